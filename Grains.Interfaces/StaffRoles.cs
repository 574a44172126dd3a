namespace Hotline;

/// <summary>
/// The staff roles (角色) the domain's rules name, spelt once: the work-order life cycle decides by them and the
/// API's sign-in hands them out (<c>Hotline.Api.Auth.Roles</c> adds the roles no domain rule names). A user may
/// hold several.
/// </summary>
public static class StaffRoles
{
    /// <summary>Call-taker (话务员) at a seat.</summary>
    public const string Agent = "agent";
    /// <summary>Shift supervisor (班长).</summary>
    public const string Supervisor = "supervisor";
    /// <summary>Dispatcher (派单员) who routes tickets to departments.</summary>
    public const string Dispatcher = "dispatcher";
    /// <summary>A handling department's (承办单位) staff, bound to one department.</summary>
    public const string Department = "department";
    public const string Admin = "admin";
    /// <summary>Read-only oversight (督查).</summary>
    public const string Auditor = "auditor";
    /// <summary>Machine accounts: load drivers, the simulated trunk, scrapers.</summary>
    public const string Integration = "integration";
}
