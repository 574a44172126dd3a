namespace Hotline.Silo.Schema;

/// <summary>What one <see cref="SchemaMigrator.MigrateAsync"/> run did.</summary>
/// <param name="Applied">Versions this run applied, in order.</param>
/// <param name="AlreadyApplied">Versions found already applied (by an earlier run or a concurrent starter).</param>
public sealed record MigrationResult(IReadOnlyList<int> Applied, IReadOnlyList<int> AlreadyApplied);
