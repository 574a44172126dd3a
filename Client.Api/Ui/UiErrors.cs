namespace Hotline.Api.Ui;

/// <summary>The API's refusals in the staff's words: its stable codes and field names, in both languages.</summary>
public static class UiErrors
{
    private static readonly Dictionary<string, (string Zh, string En)> Codes = new(StringComparer.Ordinal)
    {
        ["telephony.not_available"] = ("电话网关尚未支持此操作", "Not wired to the telephony edge yet"),
        ["auth.forbidden"] = ("您的角色无权执行此操作", "Your roles do not allow this"),
        ["auth.required"] = ("请先登录", "Sign in first"),
        ["cluster.unavailable"] = ("话务集群暂不可达，请稍后再试", "The cluster cannot be reached; try again shortly"),
        ["database.unavailable"] = ("数据库暂不可达，请稍后再试", "The database cannot be reached; try again shortly"),
        ["ticket.not_found"] = ("工单不存在，或工单号与电话不符", "No such order, or the phone does not match"),
        ["ticket.invalid_transition"] = ("工单当前状态不允许此操作", "The order's state does not allow this"),
        ["seat.invalid_transition"] = ("坐席当前状态不允许此操作", "The seat's state does not allow this"),
        ["seat.unavailable"] = ("目标坐席不空闲", "That seat is not ready"),
        ["voicemail.already_handled"] = ("这条留言已由他人处理", "Someone already handled this voicemail"),
        ["rate_limited"] = ("操作过于频繁，请稍后再试", "Too many requests; try again later"),
    };

    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        ["summary"] = "摘要",
        ["content"] = "诉求内容",
        ["category"] = "性质类别",
        ["kind"] = "诉求类型",
        ["caller.phone"] = "联系电话",
        ["caller.name"] = "姓名",
        ["address"] = "地址",
        ["reason"] = "原因",
        ["text"] = "答复内容",
        ["lead"] = "主办单位",
        ["note"] = "备注",
        ["workingDays"] = "延期天数",
        ["satisfaction"] = "满意度",
        ["phone"] = "电话",
        ["number"] = "工单号",
        ["resolvedOnSpot.answer"] = "答复内容",
        ["to.id"] = "转接目标",
        ["name"] = "名称",
        ["outcome"] = "处理结果",
        ["ticketNumber"] = "工单号",
    };

    public static string Text(UiError error, UiLanguage t)
    {
        if (error.Code == "validation.failed" && error.Fields.Count > 0)
        {
            var fields = string.Join("；", error.Fields.Select(f => $"{(t.English ? f.Key : Fields.GetValueOrDefault(f.Key, f.Key))}: {string.Join(" ", f.Value)}"));
            return t[$"请检查输入 — {fields}", $"Check the form — {fields}"];
        }
        return Codes.TryGetValue(error.Code, out var words)
            ? t[$"{words.Zh}（{error.Message}）", $"{words.En} ({error.Message})"]
            : error.Message;
    }
}
