using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hotline.Ui.Tests;

/// <summary>The admins' page of integration keys, in Chromium against the running hotline.</summary>
[Collection(HotlineUiCollection.Name)]
public sealed class IntegrationKeysScreenTests(HotlineUiFixture hotline)
{
    [Fact]
    public async Task An_admin_issues_a_key_that_is_shown_once_works_for_open311_and_is_revoked_from_the_list()
    {
        var admin = await hotline.OpenAsync("9000", "/integrations");
        await admin.GetByTestId("key-name").FillAsync("街道 App");
        await admin.GetByTestId("key-issue").ClickAsync();

        var key = await admin.GetByTestId("issued-key-value").TextContentAsync();
        Assert.StartsWith("hk_", key);
        var keyId = key!.Split('_')[1];
        await Expect(admin.GetByTestId($"key-{keyId}")).ToContainTextAsync("open311:write");
        await HotlineUiFixture.ShotAsync(admin, "30-integration-keys");

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["api_key"] = key });
        // A good key gets past the key check to the request's own checks (400); a revoked one stops there (403).
        Assert.Equal(400, (int)(await hotline.Http.PostAsync($"{hotline.BaseUrl}/open311/v2/requests.json", form)).StatusCode);

        await admin.GetByTestId($"revoke-{keyId}").ClickAsync();
        await Expect(admin.GetByTestId($"key-{keyId}")).ToContainTextAsync("已吊销");
        await Expect(admin.GetByTestId("issued-key")).ToHaveCountAsync(0);
        using var again = new FormUrlEncodedContent(new Dictionary<string, string> { ["api_key"] = key });
        Assert.Equal(403, (int)(await hotline.Http.PostAsync($"{hotline.BaseUrl}/open311/v2/requests.json", again)).StatusCode);
        await Expect(admin.GetByText(key)).ToHaveCountAsync(0);
    }
}
