namespace Hotline.Telephony.Tests;

/// <summary>
/// A benchmark in the test project: it measures and prints figures, it asserts nothing about speed. It runs only when
/// its environment variable says how; otherwise it is reported as skipped with that reason, never counted as passed.
/// </summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute(string variable)
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable)))
        {
            Skip = $"a benchmark, not a test: set {variable} to run it (see its summary)";
        }
    }
}
