using Hotline.Api.Auth;
using Microsoft.AspNetCore.Antiforgery;

namespace Hotline.Api.Ui;

/// <summary>The UI's two plain HTTP endpoints: sign-out (a form post) and the language switch (a link).</summary>
internal static class UiEndpoints
{
    public static void MapUiEndpoints(this WebApplication app)
    {
        app.MapPost("/ui/logout", Logout).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapGet("/ui/lang/{lang}", SetLanguage).AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task<IResult> Logout(HttpContext context, IAntiforgery antiforgery, SignInService signIn, CancellationToken ct)
    {
        if (!await antiforgery.IsRequestValidAsync(context)) return Results.BadRequest();
        if (context.Request.Cookies.TryGetValue(BearerTokenHandler.CookieName, out var token) && !string.IsNullOrEmpty(token))
            await signIn.RevokeAsync(token, ct);
        context.Response.Cookies.Delete(BearerTokenHandler.CookieName, new CookieOptions { Path = "/" });
        return Results.Redirect("/login");
    }

    private static IResult SetLanguage(string lang, string? back, HttpContext context)
    {
        var code = UiLanguage.Normalize(lang);
        context.Response.Cookies.Append(UiLanguage.CookieName, code, new CookieOptions
        {
            Path = "/",
            MaxAge = TimeSpan.FromDays(365),
            SameSite = SameSiteMode.Lax,
            IsEssential = true,
        });
        // Only a path on this site: never an open redirect.
        return Results.Redirect(UiNavigation.LocalPath(back) ?? "/");
    }
}
