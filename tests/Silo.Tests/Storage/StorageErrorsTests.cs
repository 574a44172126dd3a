using Hotline.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;
using Orleans.Serialization;

namespace Hotline.Tests.Storage;

/// <summary>A storage failure leaves a grain as <c>storage.unavailable</c>, which a client can read, never as an Npgsql type.</summary>
public sealed class StorageErrorsTests
{
    [Fact]
    public void An_npgsql_failure_wrapped_by_orleans_grain_storage_becomes_storage_unavailable_503()
    {
        // What Orleans' StateStorageBridge throws when the ADO.NET provider's write meets a restarting server.
        var wrapped = new OrleansException("Error from storage provider AdoNetGrainStorage.hotline during WriteStateAsync",
            new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"));

        var error = Assert.IsType<DomainException>(StorageErrors.Find(wrapped));

        Assert.Equal(("storage.unavailable", 503), (error.Code, error.Status));
        Assert.Contains("terminating connection", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Our_own_storage_unavailable_inside_an_orleans_wrapper_is_passed_on_as_it_is()
    {
        var ours = StorageErrors.Unavailable("call record", "sim-1", new NpgsqlException("connection refused"));

        Assert.Same(ours, StorageErrors.Find(new OrleansException("Error from storage provider CallRecordStorage.calls", ours)));
    }

    [Fact]
    public void Other_failures_are_left_alone()
    {
        Assert.Null(StorageErrors.Find(new OrleansException("boom", new InvalidOperationException("bug"))));
        Assert.Null(StorageErrors.Find(new DomainException("call.invalid_transition", "no")));
    }

    [Fact]
    public void Storage_unavailable_survives_the_trip_to_a_client_where_an_npgsql_exception_has_no_codec()
    {
        using var services = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(DomainException).Assembly)).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var wrapped = new OrleansException("wrapped", new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03"));

        Assert.ThrowsAny<Exception>(() => serializer.SerializeToArray<Exception>(wrapped));
        var sent = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(StorageErrors.Find(wrapped)!));

        Assert.Equal("storage.unavailable", Assert.IsType<DomainException>(sent).Code);
    }
}
