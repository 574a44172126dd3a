using System.Security.Claims;
using Hotline.Api.Apis;
using Hotline.Api.Auth;
using Hotline.Api.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Api.Integrations;

public sealed record CreateIntegrationKeyRequest(string? Account, string? Name, IReadOnlyList<string>? Scopes, int? RatePerMinute);

/// <summary>A new key: <see cref="Key"/> is shown this once and never again (only its hash is kept).</summary>
public sealed record CreatedIntegrationKey(
    string KeyId, string Key, string Account, string Name, IReadOnlyList<string> Scopes, int RatePerMinute, DateTimeOffset CreatedAt);

/// <summary>
/// Admins issue and revoke the API keys integrations use (Open311 POSTs, the partner API). A key acts as an
/// account holding the <c>integration</c> role; revoking it, or taking the role away, stops it at once.
/// </summary>
public static class IntegrationKeysApi
{
    public const int DefaultRatePerMinute = 120;
    public const int MaxRatePerMinute = 100_000;

    public static RouteGroupBuilder MapIntegrationKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/integrations/keys").WithTags("Integrations").RequireAuthorization(Policies.UsersAdmin);
        api.MapGet("", List).WithSummary("Every integration key (never the key itself), newest first");
        api.MapPost("", Create).WithSummary("Issue a key for an integration account: the response shows the key once");
        api.MapDelete("/{keyId}", Revoke).WithSummary("Revoke a key: it is refused from the next request on");
        return api;
    }

    internal static async Task<Ok<IntegrationKey[]>> List(IIntegrationKeyStore keys, CancellationToken ct) =>
        TypedResults.Ok((await keys.ListAsync(ct)).ToArray());

    internal static async Task<Results<Created<CreatedIntegrationKey>, ValidationProblem>> Create(
        CreateIntegrationKeyRequest body, IIntegrationKeyStore keys, IUserStore users, TimeProvider time, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new FieldErrors();
        UserAccount? account = null;
        if (string.IsNullOrEmpty(body.Account)) errors.Add("account", "Required: the job number of an account with the integration role.");
        else if (!InputRules.JobNo().IsMatch(body.Account)) errors.Add("account", "Not a job number.");
        else
        {
            account = await users.FindAsync(body.Account, ct);
            if (account is null) errors.Add("account", $"Unknown account '{body.Account}'.");
            else errors.Check(account.Roles.Contains(Roles.Integration), "account", "The account does not hold the integration role.");
        }
        var name = TicketIntakeValidation.Required(body.Name, "name", 64, errors);
        var scopes = body.Scopes ?? [];
        if (scopes.Count == 0) errors.Add("scopes", $"At least one of {string.Join(", ", IntegrationScopes.All)}.");
        for (var i = 0; i < scopes.Count; i++)
            errors.Check(scopes[i] is { } s && IntegrationScopes.All.Contains(s), $"scopes[{i}]", $"Must be one of {string.Join(", ", IntegrationScopes.All)}.");
        errors.Range(body.RatePerMinute, 1, MaxRatePerMinute, "ratePerMinute");
        if (errors.TryGetProblem(out var problem)) return problem;

        var (keyId, secret) = ApiKeyFormat.Generate();
        var key = new IntegrationKey(keyId, account!.JobNo, name!, scopes.Distinct().ToArray(), body.RatePerMinute ?? DefaultRatePerMinute,
            time.GetUtcNow(), user.JobNo(), null, null);
        await keys.AddAsync(key, ApiKeyFormat.Hash(secret), ct);
        return TypedResults.Created($"/api/integrations/keys/{keyId}",
            new CreatedIntegrationKey(keyId, secret, key.Account, key.Name, key.Scopes, key.RatePerMinute, key.CreatedAt));
    }

    internal static async Task<Results<Ok<IntegrationKey>, ProblemHttpResult>> Revoke(
        string keyId, IIntegrationKeyStore keys, TimeProvider time, ClaimsPrincipal user, CancellationToken ct) =>
        await keys.RevokeAsync(keyId, user.JobNo(), time.GetUtcNow(), ct) is { } key
            ? TypedResults.Ok(key)
            : ApiProblems.NotFound(IntegrationProblemCodes.KeyNotFound, $"No integration key '{keyId}'.");
}

public static class IntegrationProblemCodes
{
    public const string KeyNotFound = "integration.key_not_found";
    public const string KeyRequired = "integration.key_required";
    public const string KeyInvalid = "integration.key_invalid";
    public const string ScopeMissing = "integration.scope_missing";
}
