using Hotline.Edge;

namespace Hotline.Tests.Telephony;

/// <summary>How a phone's REFER target and a failed dial's SIP status read to the call grain.</summary>
public sealed class SipCallTests
{
    [Theory]
    [InlineData("sip:1002@127.0.0.1:5060", "1002")]
    [InlineData("sip:1002@hotline.example;transport=udp", "1002")]
    [InlineData("sips:general@10.0.0.1", "general")]
    [InlineData("sip:1002;phone-context=x@host", "1002")]
    [InlineData("sip:%31002@host", "1002")]
    public void A_refer_target_names_the_user_part_of_its_uri(string uri, string user) =>
        Assert.Equal(user, SipCall.UserOf(new Uri(uri)));

    [Theory]
    [InlineData("sip:127.0.0.1:5060")]
    [InlineData("sip:@host")]
    public void A_refer_target_without_a_user_names_nobody(string uri) => Assert.Null(SipCall.UserOf(new Uri(uri)));

    [Theory]
    [InlineData(486, "busy")]
    [InlineData(600, "busy")]
    [InlineData(480, "no_answer")]
    [InlineData(408, "no_answer")]
    [InlineData(603, "rejected")]
    [InlineData(404, "unknown_number")]
    [InlineData(503, "unreachable")]
    [InlineData(430, "unreachable")] // a TCP phone whose connection closed (RFC 5626 Flow Failed)
    public void A_failed_dial_is_named_for_the_call_record(int status, string reason) => Assert.Equal(reason, SipCall.DialFailure(status));
}
