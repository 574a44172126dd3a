using Hotline.Api.Auth;
using Hotline.Api.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Tests.Security;

/// <summary>The plain rules of sign-in: back-off, password policy, how long a revocation may take to bite.</summary>
public sealed class SignInRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly SignInBackoff Backoff = new(5, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), TimeSpan.FromHours(24));

    [Fact]
    public void Four_failures_bar_nothing_and_the_fifth_bars_for_the_first_block()
    {
        Assert.Null(Backoff.BlockedUntil(4, Now));
        Assert.Equal(Now.AddMinutes(5), Backoff.BlockedUntil(5, Now));
    }

    [Fact]
    public void Each_failure_past_the_fifth_doubles_the_block_up_to_the_longest()
    {
        Assert.Equal(Now.AddMinutes(10), Backoff.BlockedUntil(6, Now));
        Assert.Equal(Now.AddMinutes(20), Backoff.BlockedUntil(7, Now));
        Assert.Equal(Now.AddMinutes(40), Backoff.BlockedUntil(8, Now));
        Assert.Equal(Now.AddHours(1), Backoff.BlockedUntil(9, Now));
        Assert.Equal(Now.AddHours(1), Backoff.BlockedUntil(1000, Now));
    }

    [Fact]
    public void Failures_older_than_the_memory_are_forgotten()
    {
        Assert.Equal(4, Backoff.NextCount(3, Now.AddHours(-23), Now));
        Assert.Equal(1, Backoff.NextCount(30, Now.AddHours(-24), Now));
        Assert.Equal(1, Backoff.NextCount(0, null, Now));
    }

    [Theory]
    [InlineData("short-9", "10 to 256 characters.")]
    [InlineData("x1001-long-enough", "Must not contain the job number.")]
    [InlineData("aaaaaaaaaaaa", "Too few different characters.")]
    [InlineData("woaini1314", "Too common: guessers try it first.")]
    [InlineData("Password123", "Too common: guessers try it first.")]
    [InlineData("0123456789", "Too common: guessers try it first.")]
    [InlineData("abcdefghijklm", "Too common: guessers try it first.")]
    public void A_weak_password_is_refused_with_the_reason(string password, string reason) =>
        Assert.Equal(reason, PasswordPolicy.Check(password, "1001"));

    [Fact]
    public void A_long_varied_password_without_the_job_number_passes() =>
        Assert.Null(PasswordPolicy.Check("蓝色-河流-2026-晚班", "1001"));

    [Fact]
    public async Task A_revocation_elsewhere_bites_once_the_check_interval_has_passed_and_not_before()
    {
        var time = new FakeTimeProvider(Now);
        var users = new InMemoryUserStore();
        await users.AddIfMissingAsync(new UserAccount("1001", "话务员", "x", [Roles.Agent], null, 0, null), Now, default);
        var options = Options.Create(new HotlineOptions());
        var states = new CredentialStates(users, options, time);

        Assert.True(await states.HoldsAsync("1001", 0, default));
        await users.RevokeTokensAsync("1001", Now, disabled: true, default); // another API process disables the account

        time.Advance(options.Value.Auth.RevocationCheckInterval - TimeSpan.FromMilliseconds(1));
        Assert.True(await states.HoldsAsync("1001", 0, default));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(await states.HoldsAsync("1001", 0, default));
        Assert.False(await states.HoldsAsync("1001", 1, default));
    }

    [Fact]
    public async Task A_token_of_an_older_version_is_refused_at_once_by_the_process_that_changed_the_account()
    {
        var time = new FakeTimeProvider(Now);
        var users = new InMemoryUserStore();
        await users.AddIfMissingAsync(new UserAccount("1001", "话务员", "x", [Roles.Agent], null, 0, null), Now, default);
        var states = new CredentialStates(users, Options.Create(new HotlineOptions()), time);
        Assert.True(await states.HoldsAsync("1001", 0, default));

        await users.RevokeTokensAsync("1001", Now, disabled: null, default);
        states.Forget("1001");

        Assert.False(await states.HoldsAsync("1001", 0, default));
        Assert.True(await states.HoldsAsync("1001", 1, default));
    }
}
