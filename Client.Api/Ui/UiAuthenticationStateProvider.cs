using System.Security.Claims;
using Hotline.Api.Auth;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Hotline.Api.Ui;

/// <summary>
/// A screen stays open for hours over one connection: every minute its token is checked again as the API checks
/// every request, so a signed-out (revoked) or expired session turns the screen into the sign-in page.
/// </summary>
public sealed class UiAuthenticationStateProvider(ILoggerFactory loggers, SignInService signIn, UiCircuit circuit)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        // No token seen on the connection (no cookie reached it): nothing to check again.
        if (state.User.Identity?.IsAuthenticated != true || circuit.Token is not { } token) return true;
        return await signIn.ValidateAsync(token, ct) is { } issued && issued.JobNo == state.User.FindFirstValue(ClaimTypes.Name);
    }
}
