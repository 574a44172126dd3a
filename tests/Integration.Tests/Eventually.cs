namespace Hotline.Tests;

public static class Eventually
{
    /// <summary>Polls until the condition holds; real processes give no event to wait on, so this bounds the wait instead of sleeping.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                last = e;
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"Timed out waiting until {what}." + (last is null ? "" : $" Last error: {last.Message}"));
    }
}
