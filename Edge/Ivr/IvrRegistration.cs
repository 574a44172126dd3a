using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotline.Ivr;

/// <summary>What a silo registers to run the IVR next to its calls' media.</summary>
public static class IvrRegistration
{
    /// <summary>
    /// Registers <paramref name="options"/> (validated by the host), the prompt folder as <see cref="IPromptCatalog"/>
    /// (the flow grain validates against it), one <see cref="IvrInterpreter"/> and <see cref="GrainIvrServices"/> as
    /// <see cref="IIvrServices"/>. The host registers its own <see cref="IRecordingStore"/>.
    /// Throws <see cref="DirectoryNotFoundException"/> with one clear sentence when the prompt folder is missing.
    /// </summary>
    public static IServiceCollection AddHotlineIvr(this IServiceCollection services, IvrOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var catalog = new FolderPromptCatalog(FindPrompts(options.PromptsPath));
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(catalog);
        services.AddSingleton<IPromptCatalog>(catalog);
        services.AddSingleton(sp => new IvrInterpreter(catalog, sp.GetService<ILogger<IvrInterpreter>>()));
        services.AddSingleton<IIvrServices, GrainIvrServices>();
        return services;
    }

    /// <summary>The prompt folder: as given when absolute, else under the working folder or the application's folder.</summary>
    public static string FindPrompts(string path)
    {
        if (Path.IsPathRooted(path)) return Directory.Exists(path) ? path : throw Missing(path);
        foreach (var root in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            var candidate = Path.Combine(root, path);
            if (Directory.Exists(candidate)) return candidate;
        }
        throw Missing(path);
    }

    private static DirectoryNotFoundException Missing(string path) =>
        new($"invalid setting {IvrOptions.Section}:PromptsPath: the prompt folder '{path}' does not exist (run from the repository, or give an absolute path).");
}
