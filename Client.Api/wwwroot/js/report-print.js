// The printable report's one action: print it (the page carries no inline script).
document.getElementById('report-print-now')?.addEventListener('click', () => window.print());
