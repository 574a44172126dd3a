using Hotline.Calls;
using Hotline.Seats;
using Hotline.Surveys;

namespace Hotline.Tests.Telephony;

/// <summary>
/// A survey campaign dialling for real: the interviewer's baresip phone registered with the edge and answering, the
/// respondent's baresip phone listening where the outbound gateway points; the campaign grain's own timer places the call.
/// </summary>
[Collection(TelephonyCollection.Name)]
public sealed class SurveyCampaignSipTests(TelephonyFixture hotline)
{
    [Fact]
    public async Task The_campaign_dials_the_respondent_through_the_SIP_edge_and_the_interviewer_disposes_the_answered_call()
    {
        await using var phone = await Baresip.StartAsync("1031", hotline.SipPort, 440);
        await Eventually.HoldsAsync(async () => await hotline.Grains.GetGrain<IPhoneRegistrationGrain>("1031").GetAsync() is not null,
            "the interviewer's phone registers");
        await using var respondent = await Baresip.ListenAsync("13900139031", hotline.GatewayPort, 880);
        var seat = hotline.Grains.GetGrain<ISeatGrain>("1031");
        await seat.LoginAsync(new SeatLogin(null, [new QueueSkill("general", 3)], ["zh"]));
        await seat.ReadyAsync();

        var campaign = hotline.Grains.GetGrain<ISurveyCampaignGrain>(Random.Shared.NextInt64(10_000_000, 20_000_000));
        var id = campaign.GetPrimaryKeyLong();
        await campaign.ConfigureAsync(new CampaignSettings
        {
            Name = "SIP 测试",
            Lines = 60,
            Seats = ["1031"],
            Retries = [new RetryRule(Disposition.NoAnswer, TimeSpan.FromMinutes(1), 2)],
            // Round the clock, so the test does not depend on when the suite runs.
            WindowStart = TimeOnly.MinValue,
            WindowEnd = TimeOnly.MaxValue,
            WorkingDaysOnly = false,
        }, [new CampaignCase("1", "13900139031", "s", null, "hotline", null)]);
        await campaign.StartAsync();

        var callId = $"svy-{id}-1-1";
        await Eventually.HoldsAsync(async () => (await hotline.Grains.GetGrain<ICallGrain>(callId).GetAsync()).State == CallState.Talking,
            "the respondent answers the campaign's call", TimeSpan.FromSeconds(45));
        await Eventually.HoldsAsync(async () => (await campaign.GetCaseOfCallAsync(callId))?.Status == CaseStatus.Interviewing,
            "the campaign sees the interview start");
        Assert.Equal("survey", (await hotline.Grains.GetGrain<ICallGrain>(callId).GetAsync()).Purpose);

        await seat.HangupAsync();
        await seat.WrapUpDoneAsync();
        await campaign.DisposeAsync(new CaseDisposition(callId, Disposition.Complete, null, "1031"));
        await Eventually.HoldsAsync(async () => (await campaign.GetAsync()) is { Status: CampaignStatus.Finished, LinesInUse: 0 },
            "the campaign finishes with its line free");
        var attempt = Assert.Single(await campaign.GetAttemptsAsync());
        Assert.Equal((Disposition.Complete, true), (attempt.Outcome, attempt.AnsweredAt is not null));
        await seat.LogoutAsync();
    }
}
