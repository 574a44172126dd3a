using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Scenarios;
using Hotline.LoadTest.Surveys;
using Spectre.Console;

// The hotline's load driver: `dotnet run --project loadtest -c Release -- SCENARIO [options] [--out DIR]`.
IScenario[] scenarios = [new CallsScenario(), new TicketsScenario(), new DayScenario(), new BaselineScenario(), new SipScenario(), new RouteScenario(), new EnqueueScenario(), new SurveySampleScenario(), new Hotline.LoadTest.Knowledge.KnowledgeScenario()];

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Help.Print(scenarios);
    return args.Length == 0 ? 2 : 0;
}
var scenario = scenarios.FirstOrDefault(s => s.Name == args[0]);
if (scenario is null)
{
    Console.Error.WriteLine($"loadtest: unknown scenario '{args[0]}'. Scenarios: {string.Join(", ", scenarios.Select(s => s.Name))}.");
    return 2;
}
if (args.Skip(1).Any(a => a is "-h" or "--help"))
{
    Help.Print(scenario);
    return 0;
}

// Tables piped to a file keep their columns instead of wrapping at 80 characters.
if (!AnsiConsole.Profile.Out.IsTerminal) AnsiConsole.Profile.Width = 240;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // the scenario stops arrivals, drains and still writes its report
    stop.Cancel();
};
// `kill` (SIGTERM) and a closed terminal (SIGHUP) stop the run the same way, so the processes the harness
// started are stopped too instead of being left behind.
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
{
    c.Cancel = true;
    stop.Cancel();
});
using var sighup = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGHUP, c =>
{
    c.Cancel = true;
    stop.Cancel();
});
try
{
    var options = CommandLine.Parse(args.Skip(1));
    var outDir = options.String("out");
    var report = await scenario.RunAsync(options, new ScenarioContext(string.Join(' ', args), TimeProvider.System, outDir), stop.Token);
    if (outDir is not null)
    {
        await report.WriteAsync(outDir);
        AnsiConsole.MarkupLine($"Report written to [bold]{Markup.Escape(Path.GetFullPath(outDir))}[/] (report.json, report.md, report.html).");
    }
    return 0;
}
catch (UsageException e)
{
    Console.Error.WriteLine($"loadtest {scenario.Name}: {e.Message}");
    Console.Error.WriteLine($"Options of '{scenario.Name}':\n{scenario.Usage}");
    return 2;
}
catch (ScenarioFailedException e)
{
    Console.Error.WriteLine($"loadtest {scenario.Name}: {e.Message}");
    return 1;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Stopped while the hotline was still starting: what had started was stopped on the way out.
    Console.Error.WriteLine($"loadtest {scenario.Name}: stopped before the run began; no report.");
    return 130;
}
