using Hotline.Common;
using Hotline.Calls;
using Hotline.Edge;
using Hotline.Ivr;

namespace Hotline.Silo.Hosting;

public static class TelephonyHosting
{
    /// <summary>The telephony edge, the IVR's runtime and the recordings, from validated settings.</summary>
    public static TelephonySettings AddHotlineTelephony(this WebApplicationBuilder builder, SiloSettings silo)
    {
        var settings = builder.Configuration.GetValidated<TelephonySettings>(TelephonySettings.Section);
        // The edge advertises the silo's address in SDP and Contact headers unless told otherwise.
        settings.AdvertisedAddress ??= silo.AdvertisedAddress;
        var ivr = builder.Configuration.GetValidated<IvrOptions>(IvrOptions.Section);
        var services = builder.Services;
        services.AddSingleton(settings);
        try
        {
            // Prompts travel with the silo: a relative folder is found under the working folder or the executable's.
            ivr.PromptsPath = IvrRegistration.FindPrompts(ivr.PromptsPath);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new ConfigurationException(e.Message);
        }
        services.AddHotlineIvr(ivr);
        services.AddSingleton(new PromptAudio(ivr.PromptsPath));
        services.AddSingleton<RecordingStore>();
        services.AddSingleton<IRecordingStore>(sp => sp.GetRequiredService<RecordingStore>());
        services.AddSingleton<SpeechSynthesis>();
        services.AddSingleton<IvrLauncher>();
        services.AddSingleton<EdgeHost>();
        services.AddSingleton<IOutboundDialer>(sp => sp.GetRequiredService<EdgeHost>());
        // Registered after UseOrleans: the edge starts taking calls once the silo can run their grains.
        services.AddHostedService(sp => sp.GetRequiredService<EdgeHost>());
        // Registered after the edge, so stopped before it: the drain runs while the edge and the silo still work.
        services.AddHostedService(sp => new CallDrain(sp.GetRequiredService<EdgeHost>(), silo, TimeProvider.System, sp.GetRequiredService<ILogger<CallDrain>>()));
        if (silo.DrainSeconds > 0)
            services.Configure<HostOptions>(o => o.ShutdownTimeout = CallDrain.ShutdownTimeout(silo));
        return settings;
    }

    /// <summary><c>GET /telephony/stats</c>: the edge's SIP and RTP counters, for operators and the load harness.</summary>
    public static WebApplication MapHotlineTelephony(this WebApplication app)
    {
        app.MapGet("/telephony/stats", (EdgeHost edge) => edge.Sip is null
            ? Results.Json(new { enabled = false })
            : Results.Json(new { enabled = true, sip = edge.Sip.GetStats(), media = edge.Media!.GetStats(), endpoint = edge.Sip.LocalEndPoint.ToString() }));
        return app;
    }
}
