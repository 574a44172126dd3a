namespace Hotline.Api.Auth;

/// <summary>Staff roles (角色). A user may hold several.</summary>
public static class Roles
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

    public static readonly IReadOnlyList<string> All = [Agent, Supervisor, Dispatcher, Department, Admin, Auditor, Integration];
}

/// <summary>Authorization policy names, one per rule of who may do what.</summary>
public static class Policies
{
    /// <summary>The seat's own agent: the route's {jobNo} is the caller's job number.</summary>
    public const string SeatOwner = "seat.owner";
    /// <summary>The seat's own agent, or anyone who watches every seat.</summary>
    public const string SeatRead = "seat.read";
    /// <summary>Supervisors, admins and auditors see the whole board.</summary>
    public const string SeatsReadAll = "seats.read-all";
    /// <summary>Supervisor commands (班长席): force not-ready, force logout, clear help.</summary>
    public const string SupervisorCommands = "supervisor.commands";
    public const string QueuesWrite = "queues.write";
    public const string CallsReadAll = "calls.read-all";
    public const string CallsReadOne = "calls.read-one";
    public const string CallsOutbound = "calls.outbound";
    public const string SimulatedTrunk = "sim.trunk";
    public const string Metrics = "metrics.read";
}
