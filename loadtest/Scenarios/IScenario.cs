using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Reporting;

namespace Hotline.LoadTest.Scenarios;

/// <summary>One benchmark the load driver can run, chosen by its name on the command line.</summary>
public interface IScenario
{
    /// <summary>The first word of the command line, e.g. <c>route</c>.</summary>
    string Name { get; }
    string Summary { get; }
    /// <summary>The options, one per line, for <c>--help</c>.</summary>
    string Usage { get; }

    /// <summary>
    /// Reads its options (calling <see cref="CommandLine.EnsureAllRead"/> before any work), runs, shows its
    /// summary on the console and returns the report.
    /// </summary>
    Task<Report> RunAsync(CommandLine options, ScenarioContext context, CancellationToken cancellationToken);
}

/// <summary>What every scenario gets from the driver.</summary>
public sealed record ScenarioContext(string Command, TimeProvider Time, string? OutDir = null);
