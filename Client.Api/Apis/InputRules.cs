using System.Text.RegularExpressions;

namespace Hotline.Api.Apis;

/// <summary>The shapes of identifiers and values the routes accept.</summary>
internal static partial class InputRules
{
    /// <summary>Job number (工号).</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    public static partial Regex JobNo();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    public static partial Regex QueueId();

    /// <summary>Department and category ids: <c>housing</c>, <c>housing-fund</c>, <c>police-liaison</c>.</summary>
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    public static partial Regex Slug();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$")]
    public static partial Regex CallId();

    [GeneratedRegex(@"^\+?[0-9]{3,20}$")]
    public static partial Regex Phone();

    /// <summary>A BCP 47 language tag such as <c>zh</c>, <c>en</c> or <c>yue-HK</c>.</summary>
    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    public static partial Regex Language();

    [GeneratedRegex("^[0-9*#A-D]{1,32}$")]
    public static partial Regex Digits();

    [GeneratedRegex("^[0-9*#]$")]
    public static partial Regex CallbackDigit();

    [GeneratedRegex("^[0-9A-Za-z*#+-]{1,32}$")]
    public static partial Regex Extension();
}
