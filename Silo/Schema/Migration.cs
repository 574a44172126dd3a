using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Hotline.Silo.Schema;

/// <summary>
/// One schema migration, <c>Schema/Migrations/NNNN_name.sql</c>, embedded in the silo assembly.
/// Once applied, a migration is never edited: a change goes into a new, higher-numbered file.
/// </summary>
/// <param name="Version">The NNNN prefix; migrations run in ascending order.</param>
/// <param name="Name">The part after the prefix, for people reading <c>schema_migrations</c>.</param>
/// <param name="Sql">The whole script, run in one transaction.</param>
/// <param name="Checksum">SHA-256 (lower-case hex) of the script with line endings normalised to LF, so a
/// checkout that converts to CRLF does not look like an edit.</param>
internal sealed partial record Migration(int Version, string Name, string Sql, string Checksum)
{
    /// <summary>"0001_orleans": how the migration is named in logs and errors.</summary>
    public string Label => $"{Version:D4}_{Name}";

    public static Migration Create(int version, string name, string sql) =>
        new(version, name, sql, ComputeChecksum(sql));

    public static string ComputeChecksum(string sql) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));

    /// <summary>Every embedded <c>NNNN_name.sql</c> of the silo assembly, in version order.</summary>
    public static IReadOnlyList<Migration> LoadEmbedded() => Load(typeof(Migration).Assembly);

    internal static IReadOnlyList<Migration> Load(Assembly assembly)
    {
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ResourceName().Match(resource);
            if (!match.Success)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"embedded migration {resource} cannot be opened");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(Create(int.Parse(match.Groups["version"].ValueSpan, CultureInfo.InvariantCulture), match.Groups["name"].Value, reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException(
                    $"two migrations share version {migrations[i].Version:D4}: {migrations[i - 1].Label} and {migrations[i].Label}");
            }
        }

        return migrations;
    }

    // MSBuild names the resource after its folder: "Hotline.Silo.Schema.Migrations.0001_orleans.sql".
    [GeneratedRegex(@"\.Schema\.Migrations\._?(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex ResourceName();
}
