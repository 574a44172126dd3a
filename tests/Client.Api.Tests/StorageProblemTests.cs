using Hotline.Api.Problems;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Runtime;

namespace Hotline.Tests;

/// <summary>The database going away reaches an API caller as a 503 problem it can retry, not a 500.</summary>
public sealed class StorageProblemTests
{
    [Fact]
    public void Storage_unavailable_from_a_grain_is_a_503_problem_with_its_code()
    {
        var problem = ApiExceptionHandler.Describe(new DomainException("storage.unavailable", "The database did not take the work order 1.", status: 503), NullLogger.Instance);

        Assert.Equal((503, "storage.unavailable"), (problem?.Status, problem?.Extensions["code"]));
    }

    [Fact]
    public void Storage_unavailable_wrapped_by_orleans_grain_storage_is_a_503_problem_too()
    {
        var wrapped = new OrleansException("Error from storage provider TicketRecordStorage.tickets during WriteStateAsync",
            new DomainException("storage.unavailable", "The database did not take the work order 1.", status: 503));

        var problem = ApiExceptionHandler.Describe(wrapped, NullLogger.Instance);

        Assert.Equal((503, "storage.unavailable"), (problem?.Status, problem?.Extensions["code"]));
    }

    [Fact]
    public void A_server_shutting_down_under_the_apis_own_query_is_a_503_but_a_refused_statement_stays_a_500()
    {
        var restarting = ApiExceptionHandler.Describe(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"), NullLogger.Instance);
        var bug = ApiExceptionHandler.Describe(new PostgresException("syntax error", "ERROR", "ERROR", "42601"), NullLogger.Instance);

        Assert.Equal(503, restarting?.Status);
        Assert.Null(bug);
    }
}
