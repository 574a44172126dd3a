namespace Hotline.Api.Ui;

/// <summary>
/// The UI's language: Chinese by default, English when the <c>hotline_lang</c> cookie says <c>en</c>. Texts are
/// written in place as pairs, <c>T["签收", "Sign"]</c>, so a screen reads in both languages at once.
/// </summary>
public sealed class UiLanguage(bool english)
{
    public const string CookieName = "hotline_lang";

    public static UiLanguage Chinese { get; } = new(false);

    public bool English { get; } = english;
    public string Code => English ? "en" : "zh";
    public string HtmlLang => English ? "en" : "zh-CN";

    public string this[string zh, string en] => English ? en : zh;

    public static string Normalize(string? code) => code == "en" ? "en" : "zh";

    public static UiLanguage FromCode(string? code) => new(Normalize(code) == "en");
}
