using System.Globalization;
using Hotline.Tickets;

namespace Hotline.LoadTest.Tickets;

/// <summary>
/// Realistic housing-fund (住房公积金) work orders as a hotline agent registers them: mostly consultations and
/// complaints, a Chinese summary and a content of about 100 characters, the caller's mobile number.
/// Deterministic for a seeded <see cref="Random"/>.
/// </summary>
public static class TicketIntakes
{
    public const string Category = "housing-fund";
    public static readonly Actor By = new("9900", "integration", null);

    /// <summary>Used when the catalogue lacks <see cref="Category"/>.</summary>
    public static readonly Hotline.Tickets.Category HousingFund = new(Category, "住房公积金", null, "Housing provident fund");

    private static readonly (TicketKind Kind, double Share)[] Kinds =
    [
        (TicketKind.Consultation, 0.55),
        (TicketKind.Complaint, 0.30),
        (TicketKind.Help, 0.10),
        (TicketKind.Suggestion, 0.05),
    ];

    private static readonly string[] Districts = ["江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "青山区", "洪山区"];

    private static readonly (string Summary, string Content)[] Matters =
    [
        ("咨询公积金提取办理流程",
         "市民来电反映，本人在本市缴存住房公积金已满三年，现因购买首套自住住房需要提取公积金，想咨询需要准备哪些材料、是否可以线上办理、办理时限多长，以及提取额度如何计算，请相关部门予以答复。"),
        ("投诉单位未按时缴存公积金",
         "市民来电反映，其所在公司自今年三月起一直未为员工缴存住房公积金，工资条上却照常扣除个人缴存部分，多次向公司人事部门询问均未得到明确答复，导致其无法申请公积金贷款，请求相关部门核实处理。"),
        ("咨询公积金贷款额度及利率",
         "市民来电咨询，夫妻双方均在本市正常缴存住房公积金，计划购买二手住房，想了解目前公积金贷款的最高额度、贷款利率、还款年限以及是否可以与商业贷款组合使用，希望相关部门给予详细解答，谢谢。"),
        ("投诉公积金中心窗口办事效率低",
         "市民来电反映，其于本周在公积金管理中心服务大厅办理离职提取业务，排队等候两个多小时，窗口工作人员告知材料不全需重新提交，但此前电话咨询时并未告知需要该项材料，希望相关部门改进服务。"),
        ("求助公积金账户异地转移",
         "市民来电求助，本人原在外省工作并缴存住房公积金，现已调入本市工作，想将原公积金账户余额转移到本市账户，但不清楚转移接续的具体办理渠道和所需时间，请相关部门协助指导办理，尽快答复。"),
        ("建议延长公积金大厅服务时间",
         "市民来电建议，目前公积金管理中心服务大厅仅在工作日办公，上班族需请假才能前往办理业务，建议在周末或工作日晚间增设延时服务窗口，或进一步扩大线上可办理事项范围，方便群众办事。"),
    ];

    public static TicketKind KindFor(double uniform)
    {
        var cumulative = 0.0;
        foreach (var (kind, share) in Kinds)
        {
            cumulative += share;
            if (uniform < cumulative) return kind;
        }
        return Kinds[^1].Kind;
    }

    /// <summary>A mobile number of mainland China: 1, then 3–9, then nine digits.</summary>
    public static string Phone(Random random) =>
        string.Create(CultureInfo.InvariantCulture, $"1{random.Next(3, 10)}{random.Next(0, 1_000_000_000):D9}");

    public static TicketIntake Next(Random random)
    {
        var kind = KindFor(random.NextDouble());
        // Complaints and consultations use their own texts; the others pick from the whole list.
        var (summary, content) = kind switch
        {
            TicketKind.Consultation => Matters[new[] { 0, 2 }[random.Next(2)]],
            TicketKind.Complaint => Matters[new[] { 1, 3 }[random.Next(2)]],
            TicketKind.Help => Matters[4],
            _ => Matters[5],
        };
        var district = Districts[random.Next(Districts.Length)];
        return new TicketIntake
        {
            Channel = TicketChannel.Phone,
            Kind = kind,
            Category = Category,
            Caller = new Caller(random.Next(4) == 0 ? null : "张先生", Phone(random)),
            Summary = summary,
            Content = content,
            District = district,
            Address = $"{district}某小区",
        };
    }
}
