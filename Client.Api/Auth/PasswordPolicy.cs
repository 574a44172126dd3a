namespace Hotline.Api.Auth;

/// <summary>
/// What a staff password must be: <see cref="MinLength"/> to <see cref="MaxLength"/> characters, not the job
/// number (nor containing it), not one character repeated, and not on the list of passwords that guessers try
/// first (the common Western and Chinese ones: 123456, 88888888, woaini1314, 1qaz2wsx …).
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 10;
    public const int MaxLength = 256;

    private static readonly HashSet<string> Weak = new(StringComparer.OrdinalIgnoreCase)
    {
        "1234567890", "0123456789", "12345678910", "123456789a", "a123456789", "1234567890a", "qwertyuiop", "1q2w3e4r5t",
        "1qaz2wsx3edc", "1qaz@wsx3edc", "qazwsxedcr", "password12", "password123", "password1234", "passw0rd12", "p@ssw0rd12",
        "p@ssword123", "admin12345", "admin123456", "administrator", "iloveyou12", "woaini1314", "woaini520", "woaini5201314",
        "5201314520", "1314520520", "abc1234567", "abcd123456", "abcdefghij", "qwerty1234", "qwerty12345", "asdfghjkl1",
        "zxcvbnm123", "changeme123", "welcome123", "letmein123", "hotline123", "hotline12345", "12345hotline", "demo-password",
        "00000000000", "1234512345", "1122334455", "1357924680", "147258369a", "a1b2c3d4e5", "aa12345678", "zhang123456",
        "wang123456", "li12345678", "china12345", "beijing123", "shanghai123", "12345678900", "13800138000", "110110110110",
    };

    /// <summary>The reason <paramref name="password"/> is refused for <paramref name="jobNo"/>, or null when it is fine.</summary>
    public static string? Check(string? password, string jobNo)
    {
        if (string.IsNullOrEmpty(password)) return "Required.";
        if (password.Length < MinLength || password.Length > MaxLength) return $"{MinLength} to {MaxLength} characters.";
        if (jobNo.Length > 0 && password.Contains(jobNo, StringComparison.OrdinalIgnoreCase)) return "Must not contain the job number.";
        if (password.Distinct().Count() < 4) return "Too few different characters.";
        if (Weak.Contains(password) || IsRun(password)) return "Too common: guessers try it first.";
        return null;
    }

    /// <summary>A run of consecutive digits or letters (0123456789, 9876543210, abcdefghij).</summary>
    private static bool IsRun(string password)
    {
        var up = true;
        var down = true;
        for (var i = 1; i < password.Length; i++)
        {
            up &= password[i] == password[i - 1] + 1;
            down &= password[i] == password[i - 1] - 1;
        }
        return up || down;
    }
}
