using Microsoft.Extensions.Options;

namespace Hotline.Api.Configuration;

internal static class OptionsRegistration
{
    /// <summary>
    /// Binds <see cref="HotlineOptions"/> and validates it when the host starts. A value the binder cannot convert
    /// (a mode or a duration misspelt) becomes a validation failure too, so it is reported the same way.
    /// </summary>
    public static IServiceCollection AddHotlineOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<HotlineOptions>, HotlineOptionsValidator>();
        services.AddOptions<HotlineOptions>()
            .Configure(o =>
            {
                try
                {
                    configuration.GetSection(HotlineOptions.Section).Bind(o);
                }
                catch (InvalidOperationException e)
                {
                    throw new OptionsValidationException(Options.DefaultName, typeof(HotlineOptions), [e.Message]);
                }
                o.ConnectionString = configuration.GetConnectionString("Hotline");
                // Only from the environment (or a test's configuration), never from a settings file in the repository.
                o.Demo.Password = configuration["HOTLINE_DEMO_PASSWORD"];
            })
            .ValidateOnStart();
        return services;
    }
}
