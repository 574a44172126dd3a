using Hotline.Ivr;
using Hotline.Silo.Hosting;

namespace Hotline.Silo.Telephony;

public static class TelephonyHosting
{
    /// <summary>The telephony edge, the IVR's runtime and the recordings, from validated settings.</summary>
    public static TelephonySettings AddHotlineTelephony(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetValidated<TelephonySettings>(TelephonySettings.Section);
        var ivr = builder.Configuration.GetValidated<IvrOptions>(IvrOptions.Section);
        // Prompts travel with the silo: a relative folder is under its executable, not wherever it was started from.
        var promptsPath = Path.IsPathRooted(ivr.PromptsPath) ? ivr.PromptsPath : Path.Combine(AppContext.BaseDirectory, ivr.PromptsPath);
        if (!Directory.Exists(promptsPath))
            throw new ConfigurationException($"invalid setting {IvrOptions.Section}:PromptsPath: the prompt folder '{promptsPath}' does not exist");
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddOptions<IvrOptions>().Bind(builder.Configuration.GetSection(IvrOptions.Section));
        services.AddSingleton<IPromptCatalog>(new FolderPromptCatalog(promptsPath));
        services.AddSingleton(new PromptAudio(promptsPath));
        services.AddSingleton<IvrInterpreter>();
        services.AddSingleton<IIvrServices, GrainIvrServices>();
        services.AddSingleton<RecordingStore>();
        services.AddSingleton<IRecordingStore>(sp => sp.GetRequiredService<RecordingStore>());
        services.AddSingleton<SpeechSynthesis>();
        services.AddSingleton<IvrLauncher>();
        services.AddSingleton<EdgeHost>();
        // Registered after UseOrleans: the edge starts taking calls once the silo can run their grains.
        services.AddHostedService(sp => sp.GetRequiredService<EdgeHost>());
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
