using Hotline.Api.Ui;

namespace Hotline.Api.Voicemail;

/// <summary>The voicemail desk's words for the reasons a call went to voicemail and for the outcomes a desk records.</summary>
public static class VoicemailLabels
{
    public static string Reason(string reason, UiLanguage t) => reason switch
    {
        "after_hours_voicemail" => t["非服务时间留言", "after-hours message"],
        "queue_full" => t["队列已满转留言", "queue full"],
        "max_wait" => t["等待超时转留言", "waited too long"],
        _ => reason,
    };

    public static string Outcome(string outcome, UiLanguage t) => outcome switch
    {
        "called_back" => t["已回拨", "called back"],
        "ticket_registered" => t["已登记工单", "work order registered"],
        "no_action" => t["无需处理", "no action needed"],
        _ => outcome,
    };
}
