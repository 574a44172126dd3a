using Hotline.Api.Hosting;

namespace Hotline.Api.Ui;

/// <summary>
/// The web UI (Blazor, interactive server rendering) served by this host: the staff screens behind sign-in with the
/// API's <c>hotline_token</c> cookie, and the public citizen portal. Everything is served locally: no CDN, no fonts.
/// </summary>
public static class UiSetup
{
    public static WebApplicationBuilder AddHotlineUi(this WebApplicationBuilder builder)
    {
        // The framework's blazor.web.js and our wwwroot are served from the build output's static-asset manifest even
        // when the host runs from bin/ outside Development (run.sh, the browser tests); a no-op when published.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<PortalLimiter>();
        builder.Services.AddScoped<UiCalls>();
        builder.Services.AddScoped<LiveEvents>();
        builder.Services.AddScoped<UiCircuit>();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, UiAuthenticationStateProvider>();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(sp => sp.GetRequiredService<UiCircuit>());
        return builder;
    }

    /// <summary>After <c>UseHotlineApi</c>: the antiforgery check of the UI's forms, then the UI's endpoints.</summary>
    public static WebApplication MapHotlineUi(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();
        app.MapUiEndpoints();
        // Pages decide who may see them (AuthorizeRouteView sends strangers to the sign-in page); the API's
        // fallback policy would answer a browser with a 401 problem+json instead.
        app.MapRazorComponents<Components.App>()
            .AddInteractiveServerRenderMode()
            .AllowAnonymous();
        return app;
    }
}
