namespace Hotline.Surveys;

public enum PhoneKind
{
    Mobile,
    Landline,
}

/// <summary>A number in its one normalised form: digits only; a mobile's 11 digits, or a landline's 0, area code and local number.</summary>
public readonly record struct NormalisedPhone(string Number, PhoneKind Kind)
{
    /// <summary>The number as staff may see it in a report or a log: the middle hidden (138****5678).</summary>
    public string Masked => PhoneNumbers.Mask(Number);
}

/// <summary>Why a number cannot be called for a survey: a stable code and a sentence for the import report.</summary>
public sealed record PhoneRejection(string Code, string Reason);

/// <summary>
/// Chinese phone numbers as a sample frame needs them (号码规范化): mobiles 1[3-9]x with or without +86, 0086 or 86;
/// landlines with their area code (010 and 02x take 8-digit local numbers, other 0xxx codes 7 or 8 digits); spaces,
/// dashes, dots and brackets dropped. Service numbers (110, 12345, 95xxx, 400/800...) are refused: nobody is
/// interviewed on them.
/// </summary>
public static class PhoneNumbers
{
    public const string Empty = "phone.empty";
    public const string InvalidCharacters = "phone.invalid_characters";
    public const string ServiceNumber = "phone.service_number";
    public const string NoAreaCode = "phone.no_area_code";
    public const string InvalidMobile = "phone.invalid_mobile";
    public const string InvalidLandline = "phone.invalid_landline";
    public const string Invalid = "phone.invalid";

    /// <summary>The number normalised, or why not; exactly one of the two is non-null.</summary>
    public static (NormalisedPhone? Phone, PhoneRejection? Rejection) Normalise(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return Reject(Empty, "No number.");
        Span<char> buffer = stackalloc char[Math.Min(raw.Length, 64)];
        var length = 0;
        var plus = false;
        foreach (var c in raw)
        {
            if (c is >= '0' and <= '9' or >= '０' and <= '９')
            {
                if (length == buffer.Length) return Reject(Invalid, "Too many digits for a phone number.");
                buffer[length++] = c >= '０' ? (char)('0' + (c - '０')) : c;
            }
            else if (c is '+' or '＋' && length == 0 && !plus) plus = true;
            else if (c is ' ' or '-' or '.' or '(' or ')' or '（' or '）' or '－' or '\u00a0' or '\t') continue;
            else return Reject(InvalidCharacters, $"'{c}' is not part of a phone number.");
        }
        if (length == 0) return Reject(Empty, "No digits.");
        var digits = new string(buffer[..length]);

        // Country code: +86 / 0086 always; a bare 86 only where what follows is a whole mobile number.
        var international = false;
        if (plus)
        {
            if (!digits.StartsWith("86", StringComparison.Ordinal)) return Reject(Invalid, "Only Chinese (+86) numbers can be called.");
            digits = digits[2..];
            international = true;
        }
        else if (digits.StartsWith("0086", StringComparison.Ordinal))
        {
            digits = digits[4..];
            international = true;
        }
        else if (digits.Length == 13 && digits.StartsWith("861", StringComparison.Ordinal)) digits = digits[2..];

        if (digits.Length == 0) return Reject(Empty, "A country code without a number.");
        // After +86 a landline drops its trunk 0 (+86 10 ... is 010 ...); a mobile keeps its 11 digits.
        if (international && !IsMobile(digits) && !IsServiceNumber(digits) && digits[0] != '0') digits = "0" + digits;

        if (IsServiceNumber(digits)) return Reject(ServiceNumber, "A service number (emergency, hotline, 95xxx/96xxx, 400/800), not a respondent's.");
        if (digits[0] == '1')
        {
            if (IsMobile(digits)) return (new NormalisedPhone(digits, PhoneKind.Mobile), null);
            return Reject(InvalidMobile, digits.Length == 11
                ? "Not a mobile number: the second digit must be 3 to 9."
                : $"A mobile number has 11 digits, not {digits.Length}.");
        }
        if (digits[0] == '0') return Landline(digits);
        if (digits.Length is 7 or 8) return Reject(NoAreaCode, "A landline needs its area code (e.g. 0311-8xxxxxxx).");
        return Reject(Invalid, "Neither a mobile (11 digits from 13-19) nor a landline with area code.");
    }

    public static bool IsMobile(ReadOnlySpan<char> digits) =>
        digits.Length == 11 && digits[0] == '1' && digits[1] is >= '3' and <= '9' && AllDigits(digits);

    /// <summary>The middle of a number hidden, for reports and logs: a citizen's number is never written out in full.</summary>
    public static string Mask(string number) => PhoneMask.Mask(number);

    private static (NormalisedPhone?, PhoneRejection?) Landline(string digits)
    {
        // 010 and 020-029 are three-digit codes with 8-digit local numbers; every other code is four digits long.
        var areaLength = digits.Length >= 3 && (digits[1] == '1' || digits[1] == '2') ? 3 : 4;
        if (digits.Length <= areaLength) return Reject(InvalidLandline, "An area code without a local number.");
        if (digits[1] == '0') return Reject(InvalidLandline, "No area code starts with 00.");
        if (digits[1] == '1' && digits[2] != '0') return Reject(InvalidLandline, $"'{digits[..3]}' is not an area code (01x is only 010).");
        var local = digits[areaLength..];
        if (IsServiceNumber(local)) return Reject(ServiceNumber, "A service number behind an area code, not a respondent's.");
        if (local[0] is '0' or '1') return Reject(InvalidLandline, "A local number starts with 2 to 9.");
        var ok = areaLength == 3 ? local.Length == 8 : local.Length is 7 or 8;
        if (!ok)
            return Reject(InvalidLandline, areaLength == 3
                ? $"Area code {digits[..3]} takes an 8-digit local number, not {local.Length}."
                : $"Area code {digits[..4]} takes a 7- or 8-digit local number, not {local.Length}.");
        return (new NormalisedPhone(digits, PhoneKind.Landline), null);
    }

    private static bool IsServiceNumber(string digits) =>
        digits.Length <= 6 && digits[0] == '1' // 110, 119, 120, 122, 12345, 12315, 10086, 114...
        || digits.Length == 5 && digits[0] == '9' && digits[1] is '5' or '6' // 95588, 96xxx
        || digits.Length == 10 && (digits.StartsWith("400", StringComparison.Ordinal) || digits.StartsWith("800", StringComparison.Ordinal))
        || digits.Length is 8 or 9 && digits.StartsWith("10", StringComparison.Ordinal) && digits[2] is '0' or '1'; // 1010xxxx, 100xxx carrier codes

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
            if (c is < '0' or > '9') return false;
        return true;
    }

    private static (NormalisedPhone?, PhoneRejection?) Reject(string code, string reason) => (null, new PhoneRejection(code, reason));
}
