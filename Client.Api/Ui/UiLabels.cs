namespace Hotline.Api.Ui;

/// <summary>The words staff use for the API's state names, in both languages.</summary>
public static class UiLabels
{
    private static readonly Dictionary<string, (string Zh, string En)> Words = new(StringComparer.Ordinal)
    {
        // Seats
        ["logged_out"] = ("未签入", "Logged out"),
        ["ready"] = ("示闲", "Ready"),
        ["not_ready"] = ("示忙", "Not ready"),
        ["reserved"] = ("振铃", "Ringing"),
        ["talking"] = ("通话中", "Talking"),
        ["wrapup"] = ("话后整理", "Wrap-up"),
        // Tickets
        ["registered"] = ("已登记", "Registered"),
        ["resolved"] = ("已直办", "Resolved"),
        ["dispatched"] = ("已派单", "Dispatched"),
        ["signed"] = ("已签收", "Signed"),
        ["returned"] = ("已回退", "Returned"),
        ["replied"] = ("已答复", "Replied"),
        ["reopened"] = ("重办", "Reopened"),
        ["closed"] = ("已办结", "Closed"),
        ["merged"] = ("已并单", "Merged"),
        // A citizen's view of progress (portal, IVR): accepted, in progress, replied
        ["accepted"] = ("已受理", "Accepted"),
        ["in_progress"] = ("办理中", "In progress"),
        // Kinds
        ["consultation"] = ("咨询", "Consultation"),
        ["help"] = ("求助", "Help"),
        ["complaint"] = ("投诉", "Complaint"),
        ["report"] = ("举报", "Report"),
        ["suggestion"] = ("建议", "Suggestion"),
        ["praise"] = ("表扬", "Praise"),
        // Satisfaction
        ["satisfied"] = ("满意", "Satisfied"),
        ["basically"] = ("基本满意", "Basically satisfied"),
        ["unsatisfied"] = ("不满意", "Unsatisfied"),
        // Channels
        ["phone"] = ("电话", "Phone"),
        ["web"] = ("网站", "Web"),
        ["ivr"] = ("语音留言", "IVR"),
        ["app"] = ("App", "App"),
        ["wechat"] = ("微信", "WeChat"),
        ["sms"] = ("短信", "SMS"),
        ["mayor_mailbox"] = ("市长信箱", "Mayor's mailbox"),
        ["email"] = ("邮件", "Email"),
        ["open311"] = ("Open311", "Open311"),
        // Roles and history actions
        ["agent"] = ("话务员", "agent"),
        ["supervisor"] = ("班长", "supervisor"),
        ["dispatcher"] = ("派单员", "dispatcher"),
        ["department"] = ("承办单位", "department"),
        ["admin"] = ("管理员", "admin"),
        ["integration"] = ("系统接入", "integration"),
        ["auditor"] = ("督查", "auditor"),
        ["survey_lead"] = ("调查组长", "survey lead"),
        ["urged"] = ("催办", "Urged"),
        ["supervised"] = ("督办", "Supervised"),
        ["visited"] = ("回访", "Visited"),
        ["auto_urged"] = ("自动催办", "Urged automatically"),
        ["urge_scheduled"] = ("定时催办", "Urge scheduled"),
        ["overdue"] = ("超期", "Overdue"),
        ["sign_overdue"] = ("签收超期", "Sign overdue"),
        ["resolved_on_spot"] = ("直办", "Resolved on the spot"),
        ["merged_into"] = ("并入", "Merged into"),
        ["absorbed"] = ("并单", "Absorbed a duplicate"),
        ["extension_requested"] = ("申请延期", "Extension requested"),
        ["extension_approved"] = ("同意延期", "Extension approved"),
        ["extension_rejected"] = ("驳回延期", "Extension rejected"),
        // Strategies
        ["longest_idle"] = ("最长空闲优先", "Longest idle"),
        ["fewest_calls"] = ("接听最少优先", "Fewest calls"),
        ["least_talk_time"] = ("通话时长最少优先", "Least talk time"),
        ["round_robin"] = ("轮询", "Round robin"),
        ["highest_proficiency"] = ("技能最高优先", "Highest proficiency"),
        ["random"] = ("随机", "Random"),
    };

    public static string Of(string? name, UiLanguage t) =>
        name is not null && Words.TryGetValue(name, out var w) ? t[w.Zh, w.En] : name ?? "—";

    public static IReadOnlyList<string> Kinds { get; } = ["consultation", "help", "complaint", "report", "suggestion", "praise"];
}
