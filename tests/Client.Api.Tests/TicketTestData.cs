using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hotline.Tests;

/// <summary>Work orders as the tests register them.</summary>
internal static class TicketTestData
{
    public const string CitizenPhone = "13912345678";

    /// <summary>A registration body; every field can be changed through <c>with</c>-style arguments.</summary>
    public static object Intake(
        string summary = "公积金提取审核超时",
        string content = "申请公积金提取已超过十个工作日仍未审核，多次致电公积金中心无人接听。",
        string kind = "complaint",
        string category = "housing-fund",
        string channel = "phone",
        string? phone = CitizenPhone) => new
        {
            channel,
            kind,
            category,
            caller = new { name = "张先生", phone },
            summary,
            content,
            address = "京口区学府路88号",
            district = "京口区",
        };

    /// <summary>Registers and returns the 201 body.</summary>
    public static async Task<JsonElement> RegisterAsync(this HttpClient client, object? body = null)
    {
        var response = await client.PostAsJsonAsync("/api/tickets", body ?? Intake());
        var ticket = await response.AssertOkAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return ticket;
    }

    /// <summary>The numbers on one page of a list answer.</summary>
    public static IReadOnlyList<string> Numbers(this JsonElement list) =>
        list.GetProperty("items").EnumerateArray().Select(i => i.Str("number")).ToList();

    /// <summary>A number that fails the check digit: a valid one with its last digit changed.</summary>
    public static string WithWrongCheckDigit(string number) => number[..^1] + (char)('0' + (number[^1] - '0' + 1) % 10);
}
