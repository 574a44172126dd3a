using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Security;

/// <summary>API hosts whose requests come from the address in <see cref="Header"/> (TestServer has no remote address).</summary>
internal static class TestSources
{
    public const string Header = "X-Test-Source";

    /// <summary>The fixture's host with these settings, once its demo data is in place.</summary>
    public static async Task<WebApplicationFactory<Program>> HostAsync(ApiFixture api, params (string Key, string Value)[] settings)
    {
        var host = api.Factory.WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings) web.UseSetting(key, value);
            web.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, TestSourceAddress>());
        });
        await host.Services.GetRequiredService<Hotline.Api.Demo.DemoSeeder>().Completed.WaitAsync(TimeSpan.FromSeconds(60));
        return host;
    }

    private sealed class TestSourceAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(Header, out var source))
                    context.Connection.RemoteIpAddress = IPAddress.Parse(source.ToString());
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
