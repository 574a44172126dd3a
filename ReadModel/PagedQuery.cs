using Npgsql;

namespace Hotline.ReadModel;

/// <summary>A list's total and one page of its rows in one round trip (a batch of the count and the page).</summary>
public static class PagedQuery
{
    /// <param name="from">The <c>FROM … WHERE …</c> both statements share.</param>
    /// <param name="select">The select list of the page.</param>
    /// <param name="orderBy">The page's order; it must be total, so pages neither overlap nor skip.</param>
    /// <param name="parameters">The parameters <paramref name="from"/> uses (copied into both statements).</param>
    /// <param name="reader">Given the page's result, a function reading its current row.</param>
    public static async Task<(int Total, IReadOnlyList<TRow> Rows)> RunAsync<TRow>(
        NpgsqlDataSource db, string from, string select, string orderBy, IEnumerable<NpgsqlParameter> parameters,
        int page, int pageSize, Func<NpgsqlDataReader, Func<TRow>> reader, CancellationToken ct)
    {
        await using var batch = db.CreateBatch();
        var count = new NpgsqlBatchCommand($"SELECT count(*) {from}");
        var rows = new NpgsqlBatchCommand($"SELECT {select} {from} ORDER BY {orderBy} LIMIT @limit OFFSET @offset");
        foreach (var p in parameters)
        {
            count.Parameters.Add(p.Clone());
            rows.Parameters.Add(p.Clone());
        }
        rows.Parameters.AddWithValue("limit", pageSize);
        rows.Parameters.AddWithValue("offset", (long)(page - 1) * pageSize);
        batch.BatchCommands.Add(count);
        batch.BatchCommands.Add(rows);

        await using var result = await batch.ExecuteReaderAsync(ct);
        await result.ReadAsync(ct);
        var total = (int)result.GetInt64(0);
        await result.NextResultAsync(ct);
        var read = reader(result);
        var items = new List<TRow>();
        while (await result.ReadAsync(ct)) items.Add(read());
        return (total, items);
    }
}
