using Npgsql;

namespace Hotline.Silo.Storage;

/// <summary>
/// Database failures leave the silo as a <see cref="DomainException"/> <c>storage.unavailable</c> (503): clients
/// cannot deserialise Npgsql's exceptions, and an API caller should see "try again", not a codec error.
/// </summary>
public static class StorageErrors
{
    public static async Task<T> Guard<T>(Func<Task<T>> operation, string what, string key)
    {
        try
        {
            return await operation();
        }
        catch (NpgsqlException e)
        {
            throw Unavailable(what, key, e);
        }
    }

    public static DomainException Unavailable(string what, string key, Exception e) =>
        new("storage.unavailable", $"The database did not take the {what} {key}: {e.Message}", status: 503);
}
