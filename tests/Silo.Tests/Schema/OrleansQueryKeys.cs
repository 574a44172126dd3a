namespace Hotline.Tests.Schema;

/// <summary>The OrleansQuery rows the Orleans 10.4.2 ADO.NET providers look up, as 0001_orleans.sql provides them.</summary>
internal static class OrleansQueryKeys
{
    /// <summary>Required by Microsoft.Orleans.Clustering.AdoNet (silo membership and client gateway list).</summary>
    public static readonly string[] Clustering =
    [
        "GatewaysQueryKey",
        "MembershipReadRowKey",
        "MembershipReadAllKey",
        "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey",
        "InsertMembershipKey",
        "UpdateMembershipKey",
        "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey",
    ];

    /// <summary>Looked up by clustering when present; it then replaces CleanupDefunctSiloEntriesKey.</summary>
    public static readonly string[] ClusteringOptional = ["CleanupDefunctSiloEntryKey"];

    /// <summary>Required by Microsoft.Orleans.Persistence.AdoNet.</summary>
    public static readonly string[] Persistence = ["WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey"];

    /// <summary>Needed by grain storage only with DeleteStateOnClear = true.</summary>
    public static readonly string[] PersistenceOptional = ["DeleteStorageKey"];

    /// <summary>Required by Microsoft.Orleans.Reminders.AdoNet.</summary>
    public static readonly string[] Reminders =
    [
        "ReadReminderRowsKey",
        "ReadRangeRows1Key",
        "ReadRangeRows2Key",
        "ReadReminderRowKey",
        "UpsertReminderRowKey",
        "DeleteReminderRowKey",
        "DeleteReminderRowsKey",
    ];

    public static IReadOnlyList<string> All { get; } =
        [.. Clustering, .. ClusteringOptional, .. Persistence, .. PersistenceOptional, .. Reminders];
}
