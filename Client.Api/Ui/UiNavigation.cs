using System.Security.Claims;
using Hotline.Api.Auth;

namespace Hotline.Api.Ui;

/// <summary>The staff screens, who opens each, and where each person lands after signing in.</summary>
public static class UiNavigation
{
    public sealed record Screen(string Path, string Zh, string En, string[] Roles);

    public const string DeskRoles = Roles.Agent;
    public const string WallRoles = Roles.Supervisor + "," + Roles.Admin + "," + Roles.Auditor;
    public const string DispatchRoles = Roles.Dispatcher + "," + Roles.Supervisor + "," + Roles.Admin;
    public const string InboxRoles = Roles.Department;
    public const string AdminRoles = Roles.Admin;
    public const string SurveyRoles = Roles.SurveyLead + "," + Roles.Supervisor + "," + Roles.Admin + "," + Roles.Auditor;
    public const string KnowledgeRoles = Roles.Agent + "," + Roles.Supervisor + "," + Roles.Dispatcher + "," + Roles.Department + "," + Roles.Admin + ","
        + Roles.Auditor + "," + Roles.KnowledgeEditor + "," + Roles.KnowledgeReviewer;
    public const string VoicemailRoles = Roles.Agent + "," + Roles.Supervisor + "," + Roles.Admin + "," + Roles.Auditor;
    public const string AuditRoles = Roles.Auditor + "," + Roles.Admin;
    public const string CampaignRoles = Roles.SurveyLead + "," + Roles.Supervisor + "," + Roles.Admin + "," + Roles.Auditor + "," + Roles.Dispatcher;
    public const string InterviewRoles = Roles.Agent + "," + Roles.Dispatcher + "," + Roles.SurveyLead + "," + Roles.Supervisor + "," + Roles.Admin;
    public const string ReportRoles = Roles.Supervisor + "," + Roles.Admin + "," + Roles.Auditor;

    public static IReadOnlyList<Screen> Screens { get; } =
    [
        new("/desk", "坐席工作台", "Agent desk", DeskRoles.Split(',')),
        new("/wall", "班长席", "Supervisor wall", WallRoles.Split(',')),
        new("/voicemail", "留言处理", "Voicemail", VoicemailRoles.Split(',')),
        new("/dispatch", "派单", "Dispatch", DispatchRoles.Split(',')),
        new("/inbox", "承办单位", "Department inbox", InboxRoles.Split(',')),
        new("/visits", "回访", "Return visits", DispatchRoles.Split(',')),
        new("/surveys", "调查", "Surveys", SurveyRoles.Split(',')),
        new("/campaigns", "外呼监控", "Campaigns", CampaignRoles.Split(',')),
        new("/interview", "电话访问", "Interviews", InterviewRoles.Split(',')),
        new("/admin", "系统管理", "Admin", AdminRoles.Split(',')),
        new("/integrations", "接入密钥", "Integration keys", AdminRoles.Split(',')),
        new("/knowledge", "知识库", "Knowledge base", KnowledgeRoles.Split(',')),
        new("/audit", "审计日志", "Audit trail", AuditRoles.Split(',')),
        new("/reports", "统计报表", "Reports", ReportRoles.Split(',')),
    ];

    public static IEnumerable<Screen> For(ClaimsPrincipal user) => Screens.Where(s => s.Roles.Any(user.IsInRole));

    /// <summary>The first screen the user may open; the citizen portal for a user with none (machine accounts).</summary>
    public static string Home(ClaimsPrincipal user) => Home(user.FindAll(ClaimTypes.Role).Select(c => c.Value));

    public static string Home(IEnumerable<string> roles)
    {
        var held = roles.ToHashSet(StringComparer.Ordinal);
        return Screens.FirstOrDefault(s => s.Roles.Any(held.Contains))?.Path ?? "/portal";
    }

    /// <summary>A local path to go back to after signing in, or null.</summary>
    public static string? LocalPath(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\') ? url : null;
}
