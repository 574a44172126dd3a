using Microsoft.Extensions.Options;

namespace Hotline.Api.Hosting;

/// <summary>A bad setting or a taken port stops the host with one line on stderr and exit code 1.</summary>
public static class StartupGuard
{
    /// <summary>Runs the options validation that <c>ValidateOnStart</c> registered, before anything else starts.</summary>
    public static bool HasValidConfiguration(this WebApplication app)
    {
        try
        {
            app.Services.GetRequiredService<IStartupValidator>().Validate();
            return true;
        }
        catch (OptionsValidationException e)
        {
            return Fail(string.Join(" ", e.Failures));
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            return Fail(string.Join(" ", e.InnerExceptions.Cast<OptionsValidationException>().SelectMany(i => i.Failures)));
        }
    }

    /// <summary>Runs the host; 0 after a clean shutdown, 1 when it could not start listening.</summary>
    public static async Task<int> RunHotlineApiAsync(this WebApplication app)
    {
        // Taken now: RunAsync disposes the services before an exception reaches the filters below.
        var stopping = app.Lifetime.ApplicationStopping;
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (IOException e) when (e.Message.Contains("Failed to bind", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync($"hotline-api: {e.Message}");
            return 1;
        }
        catch (Exception e) when (stopping.IsCancellationRequested)
        {
            // Asked to stop while the Orleans client was still trying to reach the cluster: a normal stop.
            await Console.Error.WriteLineAsync($"hotline-api: stopped before the cluster was reached ({e.GetType().Name})");
            return 0;
        }
    }

    private static bool Fail(string reason)
    {
        Console.Error.WriteLine($"hotline-api: invalid configuration: {reason}");
        return false;
    }
}
