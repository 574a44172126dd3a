using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Tickets;
using Hotline.Tickets;

namespace Hotline.Tests;

public sealed class TicketsScenarioTests
{
    private static TicketsOptions Parse(params string[] args)
    {
        var line = CommandLine.Parse(args);
        var options = TicketsOptions.Parse(line, _ => null);
        line.EnsureAllRead();
        return options;
    }

    [Fact]
    public void Defaults_are_a_closed_loop_of_32_for_60_seconds_without_pgbench()
    {
        var o = Parse();

        Assert.True(o.ClosedLoop);
        Assert.Equal(32, o.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(60), o.Duration);
        Assert.False(o.Pgbench);
        Assert.Equal([1, 8, 32], o.PgbenchClients);
        Assert.Equal(TimeSpan.FromSeconds(30), o.PgbenchDuration);
    }

    [Fact]
    public void A_numeric_rate_is_an_open_model()
    {
        var o = Parse("--rate", "200", "--duration", "30s", "--pgbench", "--pgbench-clients", "2, 4");

        Assert.False(o.ClosedLoop);
        Assert.Equal(200, o.Rate);
        Assert.Equal(TimeSpan.FromSeconds(30), o.Duration);
        Assert.True(o.Pgbench);
        Assert.Equal([2, 4], o.PgbenchClients);
    }

    [Theory]
    [InlineData("--rate", "fast")]
    [InlineData("--rate", "0")]
    [InlineData("--pgbench-clients", "1,x")]
    [InlineData("--warmup", "90s")]
    public void Bad_values_are_refused(string name, string value) =>
        Assert.Throws<UsageException>(() => Parse(name, value));

    [Fact]
    public void Concurrency_with_a_fixed_rate_is_refused() =>
        Assert.Throws<UsageException>(() => Parse("--rate", "100", "--concurrency", "8"));

    [Fact]
    public void The_database_comes_from_the_environment_when_not_given()
    {
        var o = TicketsOptions.Parse(CommandLine.Parse([]), name => name == "HOTLINE_DB" ? "Host=db;Port=1" : null);

        Assert.Equal("Host=db;Port=1", o.Database);
    }

    [Fact]
    public void Intakes_are_housing_fund_orders_with_chinese_texts_and_a_mobile_number()
    {
        var random = new Random(3);
        var intakes = Enumerable.Range(0, 2000).Select(_ => TicketIntakes.Next(random)).ToList();

        Assert.All(intakes, i =>
        {
            Assert.Equal("housing-fund", i.Category);
            Assert.InRange(i.Content.Length, 80, 130);
            Assert.False(string.IsNullOrWhiteSpace(i.Summary));
            Assert.Matches(@"^1[3-9]\d{9}$", i.Caller.Phone);
            Assert.Null(i.ResolvedAnswer);
        });
        var complaints = intakes.Count(i => i.Kind == TicketKind.Complaint) / 2000.0;
        var consultations = intakes.Count(i => i.Kind == TicketKind.Consultation) / 2000.0;
        Assert.InRange(consultations, 0.50, 0.60);
        Assert.InRange(complaints, 0.25, 0.35);
    }

    [Fact]
    public void Intakes_are_the_same_for_the_same_seed()
    {
        var a = TicketIntakes.Next(new Random(9));
        var b = TicketIntakes.Next(new Random(9));

        Assert.Equal(a, b);
    }

    [Fact]
    public void Pgbench_summary_lines_are_parsed()
    {
        const string output = """
            pgbench (15.14 (Debian 15.14-0+deb12u1))
            transaction type: /tmp/insert.sql
            scaling factor: 1
            query mode: simple
            number of clients: 8
            number of threads: 2
            maximum number of tries: 1
            duration: 30 s
            number of transactions actually processed: 61234
            number of failed transactions: 0 (0.000%)
            latency average = 3.919 ms
            initial connection time = 12.345 ms
            tps = 2041.123456 (without initial connection time)
            """;

        var (tps, latency, transactions, failed) = Pgbench.ParseOutput(output);

        Assert.Equal(2041.123456, tps);
        Assert.Equal(3.919, latency);
        Assert.Equal(61234, transactions);
        Assert.Equal(0, failed);
    }

    [Fact]
    public void Pgbench_output_without_a_summary_gives_nothing() =>
        Assert.Equal((null, null, null, null), Pgbench.ParseOutput("pgbench: error: connection to server failed"));

    [Fact]
    public void Pgbench_command_takes_host_port_user_and_database_from_the_connection_string_and_the_password_apart()
    {
        var (args, password) = Pgbench.CommandFor(
            "Host=127.0.0.1;Port=55460;Database=hotline;Username=hotline;Password=secret", "/tmp/s.sql", 8, TimeSpan.FromSeconds(30));

        Assert.Equal(["-n", "-f", "/tmp/s.sql", "-c", "8", "-j", "2", "-T", "30", "-h", "127.0.0.1", "-p", "55460", "-U", "hotline", "hotline"], args);
        Assert.Equal("secret", password);
        Assert.DoesNotContain("secret", args);
    }

    [Fact]
    public void One_pgbench_client_runs_one_thread()
    {
        var (args, _) = Pgbench.CommandFor("Host=h;Database=d;Username=u", "/s", 1, TimeSpan.FromSeconds(5));

        Assert.Equal("1", args[args.ToList().IndexOf("-j") + 1]);
    }
}
