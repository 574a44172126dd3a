using Hotline.Tickets;

namespace Hotline.Tests.Storage;

/// <summary>Work-order records as the TicketGrain keeps them, for storage tests.</summary>
internal static class TicketSamples
{
    /// <summary>China Standard Time: the grain computes deadlines on the work calendar in Asia/Shanghai.</summary>
    public static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 15, 30, 250, Beijing);

    public static string Number(int sequence) => TicketNumber.Format(sequence);

    public static TicketHistoryEntry Line(int sequence, string action, string? note = null, string jobNo = "1001", string role = "agent", string? department = null) =>
        new(sequence, T0.AddMinutes(sequence), jobNo, role, action, note, department);

    /// <summary>A just-registered order, as CreateAsync leaves it.</summary>
    public static TicketRecord Registered(string summary = "咨询公积金提取", string content = "市民来电咨询住房公积金提取需要哪些材料。", string category = "housing-fund") => new()
    {
        Created = true,
        Status = TicketStatus.Registered,
        Intake = new TicketIntake
        {
            Channel = TicketChannel.Phone,
            Kind = TicketKind.Consultation,
            Category = category,
            Caller = new Caller("张先生", "138-0013-8000"),
            Summary = summary,
            Content = content,
            CallId = "C-20260302-0001",
        },
        CreatedAt = T0,
        CreatedBy = "1001",
        UpdatedAt = T0,
        Version = 1,
        History = [Line(1, "registered", "consultation via phone")],
    };

    /// <summary>An order well into its life, with every property set to something other than its default.</summary>
    public static TicketRecord Full() => new()
    {
        Created = true,
        Status = TicketStatus.Replied,
        Intake = new TicketIntake
        {
            Channel = TicketChannel.MayorMailbox,
            Kind = TicketKind.Complaint,
            Category = "urban-management",
            Caller = new Caller("李女士", "+86 139 1234 5678"),
            Summary = "小区门口占道经营",
            Content = "朝阳路 12 号小区门口每天晚上有占道经营，噪音大，垃圾多。Night market noise.",
            Address = "朝阳路12号",
            Location = new GeoPoint(39.9219, 116.4436),
            District = "chaoyang",
            CallId = "C-20260302-0042",
            ResolvedAnswer = "已告知市民",
        },
        CreatedAt = T0,
        CreatedBy = "1001",
        LeadDepartment = "urban-management-bureau",
        CoDepartments = ["chaoyang-street-office", "environment-bureau"],
        SuggestedDepartment = "urban-management-bureau",
        Deadlines = new TicketDeadlines
        {
            Sign = T0.AddHours(2),
            Reply = T0.AddDays(5),
            Finish = T0.AddDays(7),
            AutoUrge = T0.AddDays(4),
            ScheduledUrge = T0.AddDays(3),
        },
        Overdue = true,
        Supervised = true,
        UrgeCount = 2,
        Reply = "已联合执法清理占道摊位。",
        RepliedAt = T0.AddDays(4).AddHours(3),
        Satisfaction = Satisfaction.Basically,
        ReturnCount = 1,
        ReopenCount = 1,
        MergedInto = "00000026",
        MergedNumbers = ["00000034", "00000042"],
        PendingExtension = new ExtensionRequest(3, "需协调多部门", "2001", T0.AddDays(2)),
        ClosedAt = T0.AddDays(6),
        UpdatedAt = T0.AddDays(6),
        Version = 9,
        History =
        [
            Line(1, "registered", "complaint via mayor_mailbox"),
            Line(2, "dispatched", "lead urban-management-bureau", jobNo: "3001", role: "dispatcher"),
            Line(3, "signed", null, jobNo: "5001", role: "department", department: "urban-management-bureau"),
            Line(4, "replied", "已联合执法清理占道摊位。", jobNo: "5001", role: "department", department: "urban-management-bureau"),
        ],
        ClockStartedAt = T0.AddHours(1),
        ExtensionDays = 2,
        HandledEvents = ["auto-urge@2026-03-06T09:15:30.2500000+08:00", "overdue@2026-03-07T09:15:30.2500000+08:00"],
        NextDueAt = T0.AddDays(7),
    };
}
