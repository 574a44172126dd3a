using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hotline.Api.Configuration;

/// <summary>Checks the settings at start-up so a bad one stops the host with one clear line.</summary>
internal sealed partial class HotlineOptionsValidator : IValidateOptions<HotlineOptions>
{
    public ValidateOptionsResult Validate(string? name, HotlineOptions o)
    {
        var failures = new List<string>();

        if (string.IsNullOrWhiteSpace(o.ClusterId)) failures.Add("Hotline:ClusterId must not be empty.");
        if (string.IsNullOrWhiteSpace(o.ServiceId)) failures.Add("Hotline:ServiceId must not be empty.");
        if (!Enum.IsDefined(o.Orleans.Mode))
            failures.Add("Hotline:Orleans:Mode must be AdoNet, Localhost or External.");
        if (o.Orleans.GatewayPort is < 1 or > 65535)
            failures.Add("Hotline:Orleans:GatewayPort must be between 1 and 65535.");
        if (o.Orleans.ConnectRetryDelay <= TimeSpan.Zero)
            failures.Add("Hotline:Orleans:ConnectRetryDelay must be positive.");
        if (o.Orleans.HealthCheckTimeout <= TimeSpan.Zero)
            failures.Add("Hotline:Orleans:HealthCheckTimeout must be positive.");

        if (o.UsesDatabase)
        {
            if (string.IsNullOrWhiteSpace(o.ConnectionString))
                failures.Add($"ConnectionStrings:Hotline is required when Hotline:Orleans:Mode is {o.Orleans.Mode}.");
            else if (!IsValidConnectionString(o.ConnectionString, out var error))
                failures.Add($"ConnectionStrings:Hotline is not a valid PostgreSQL connection string: {error}");
        }

        if (o.Auth.TokenLifetime < TimeSpan.FromMinutes(1) || o.Auth.TokenLifetime > TimeSpan.FromDays(30))
            failures.Add("Hotline:Auth:TokenLifetime must be between 00:01:00 and 30.00:00:00.");
        if (o.Auth.MaxFailedAttempts is < 1 or > 100)
            failures.Add("Hotline:Auth:MaxFailedAttempts must be between 1 and 100.");
        if (o.Auth.LockoutDuration < TimeSpan.Zero || o.Auth.LockoutDuration > TimeSpan.FromDays(1))
            failures.Add("Hotline:Auth:LockoutDuration must be between 00:00:00 and 1.00:00:00.");
        if (o.Auth.RevocationCheckInterval < TimeSpan.Zero || o.Auth.RevocationCheckInterval > TimeSpan.FromSeconds(10))
            failures.Add("Hotline:Auth:RevocationCheckInterval must be between 00:00:00 and 00:00:10.");
        if (o.Auth.MaxFailedAttempts < 1 || o.Auth.LockoutDuration <= TimeSpan.Zero || o.Auth.LongestLockout < o.Auth.LockoutDuration)
            failures.Add("Hotline:Auth needs MaxFailedAttempts ≥ 1, LockoutDuration > 0 and LongestLockout ≥ LockoutDuration.");
        if (o.Auth.SignInRateLimit.PermitLimit < 1 || o.Auth.SignInRateLimit.Window <= TimeSpan.Zero)
            failures.Add("Hotline:Auth:SignInRateLimit needs PermitLimit ≥ 1 and a Window above zero.");
        if (o.Auth.TokenCacheDuration < TimeSpan.Zero || o.Auth.TokenCacheDuration > TimeSpan.FromSeconds(30))
            failures.Add("Hotline:Auth:TokenCacheDuration must be between 00:00:00 and 00:00:30.");

        if (o.Demo.Seed && string.IsNullOrEmpty(o.Demo.Password))
            failures.Add("Hotline:Demo:Seed is true but the environment variable HOTLINE_DEMO_PASSWORD is not set.");
        else if (o.Demo.Seed && o.Demo.Password!.Length < 8)
            failures.Add("HOTLINE_DEMO_PASSWORD must be at least 8 characters long.");

        if (o.Events.KeepAliveInterval < TimeSpan.FromSeconds(1) || o.Events.KeepAliveInterval > TimeSpan.FromMinutes(5))
            failures.Add("Hotline:Events:KeepAliveInterval must be between 00:00:01 and 00:05:00.");
        if (o.Events.ClientBufferSize is < 1 or > 100_000)
            failures.Add("Hotline:Events:ClientBufferSize must be between 1 and 100000.");
        if (!string.IsNullOrWhiteSpace(o.Events.Transport)
            && (!Enum.TryParse<Hotline.Events.EventTransport>(o.Events.Transport, ignoreCase: true, out var transport)
                || !Enum.IsDefined(transport) || int.TryParse(o.Events.Transport, out _)))
            failures.Add("Hotline:Events:Transport must be Postgres or Streams.");
        else if (!o.UsesDatabase && string.Equals(o.Events.Transport, "Postgres", StringComparison.OrdinalIgnoreCase))
            failures.Add("Hotline:Events:Transport Postgres needs a database (Hotline:Orleans:Mode AdoNet or External).");

        if (o.Public.RateLimit.PermitLimit is < 1 or > 100_000)
            failures.Add("Hotline:Public:RateLimit:PermitLimit must be between 1 and 100000.");
        if (o.Public.RateLimit.Window < TimeSpan.FromSeconds(1) || o.Public.RateLimit.Window > TimeSpan.FromDays(1))
            failures.Add("Hotline:Public:RateLimit:Window must be between 00:00:01 and 1.00:00:00.");

        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reason in o.NotReadyReasons)
        {
            if (!ReasonCode().IsMatch(reason.Code))
                failures.Add($"Hotline:NotReadyReasons: code '{reason.Code}' must match {ReasonCode()}.");
            else if (!codes.Add(reason.Code))
                failures.Add($"Hotline:NotReadyReasons: code '{reason.Code}' appears twice.");
            if (string.IsNullOrWhiteSpace(reason.Label))
                failures.Add($"Hotline:NotReadyReasons: code '{reason.Code}' needs a Label.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsValidConnectionString(string value, out string? error)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(value);
            error = string.IsNullOrEmpty(builder.Host) ? "Host is missing." : null;
            return error is null;
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$")]
    private static partial Regex ReasonCode();
}
