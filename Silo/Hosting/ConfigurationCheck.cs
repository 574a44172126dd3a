using System.ComponentModel.DataAnnotations;
using Hotline.Common;

namespace Hotline.Silo.Hosting;

public static class ConfigurationCheck
{
    /// <summary>Binds a section and validates it (data annotations and <see cref="IValidatableObject"/>), or throws one clear line.</summary>
    public static T GetValidated<T>(this IConfiguration configuration, string section, Func<IConfiguration, T>? bind = null) where T : class, new()
    {
        var value = new T();
        try
        {
            // Strict: a misspelt key or a value the binder cannot read inside a dictionary is an error, not silently skipped.
            if (bind is null) configuration.GetSection(section).Bind(value, o => o.ErrorOnUnknownConfiguration = true);
            else value = bind(configuration);
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException($"invalid setting in '{section}': {e.InnerException?.Message ?? e.Message}");
        }
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true))
        {
            var first = results[0];
            var member = first.MemberNames.FirstOrDefault();
            throw new ConfigurationException($"invalid setting {section}{(member is null ? "" : ":" + member)}: {first.ErrorMessage}");
        }
        return value;
    }

    public static string RequireConnectionString(this IConfiguration configuration, string name)
    {
        if (configuration.GetConnectionString(name) is not { Length: > 0 } value)
            throw new ConfigurationException($"missing setting ConnectionStrings:{name} (a PostgreSQL connection string; or run with Hotline:Silo:Storage=Memory)");
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(value);
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException($"invalid setting ConnectionStrings:{name}: {e.Message}");
        }
        return value;
    }
}
