// The desk's keyboard shortcuts: Alt + a letter or digit (by key position, so any keyboard layout works).
window.hotline = {
    shortcuts(dotnet, keys) {
        const wanted = new Set(keys);
        const handler = e => {
            if (!e.altKey || e.ctrlKey || e.metaKey) return;
            const key = e.code.startsWith('Key') ? e.code.slice(3) : e.code.startsWith('Digit') ? e.code.slice(5) : null;
            if (!key || !wanted.has(key)) return;
            e.preventDefault();
            dotnet.invokeMethodAsync('OnShortcut', key);
        };
        document.addEventListener('keydown', handler);
        return { dispose: () => document.removeEventListener('keydown', handler) };
    },
    focus(id) {
        const el = document.getElementById(id);
        if (el) el.focus();
    }
};
