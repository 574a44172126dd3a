using Npgsql;
using Orleans.Runtime;

namespace Hotline.Silo.Storage;

/// <summary>
/// Database failures leave the silo as a <see cref="DomainException"/> <c>storage.unavailable</c> (503): clients
/// cannot deserialise Npgsql's exceptions, and an API caller should see "try again", not a codec error.
/// </summary>
public static class StorageErrors
{
    public const string Code = "storage.unavailable";

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
        new(Code, $"The database did not take the {what} {key}: {e.Message}", status: 503);

    /// <summary>
    /// The storage failure an exception leaving a grain stands for, or null. Orleans wraps what a storage provider
    /// throws in an <see cref="OrleansException"/> whose inner exception is the provider's own: ours throw
    /// <c>storage.unavailable</c> already, Orleans' ADO.NET providers (seats, queues, stream subscriptions,
    /// reminders) an <see cref="NpgsqlException"/>, which no client can deserialise.
    /// </summary>
    public static DomainException? Find(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DomainException { Code: Code } unavailable:
                    return unavailable;
                case NpgsqlException npgsql:
                    return new DomainException(Code, $"The database is unavailable; try again shortly ({npgsql.Message})", status: 503);
            }
        }
        return null;
    }
}

/// <summary>
/// Every grain call on the silo: a storage failure crosses the grain boundary as <c>storage.unavailable</c>, a type the
/// caller (another grain, Client.Api, the load driver) can deserialise and Client.Api answers with a 503.
/// </summary>
public sealed class StorageErrorFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (StorageErrors.Find(e) is { } unavailable && !ReferenceEquals(unavailable, e))
        {
            throw unavailable;
        }
    }
}
