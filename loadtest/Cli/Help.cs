using Hotline.LoadTest.Scenarios;

namespace Hotline.LoadTest.Cli;

public static class Help
{
    private const string CommonOptions = "      --out DIR                write report.json and report.md into DIR";

    public static void Print(IReadOnlyList<IScenario> scenarios)
    {
        Console.WriteLine("usage: dotnet run --project loadtest -c Release -- SCENARIO [options] [--out DIR]\n");
        foreach (var s in scenarios) Console.WriteLine($"  {s.Name,-10} {s.Summary}");
        Console.WriteLine("\n'SCENARIO --help' lists its options.");
    }

    public static void Print(IScenario scenario)
    {
        Console.WriteLine($"usage: dotnet run --project loadtest -c Release -- {scenario.Name} [options]\n\n{scenario.Summary}\n");
        Console.WriteLine(scenario.Usage.TrimEnd());
        Console.WriteLine(CommonOptions);
    }
}
