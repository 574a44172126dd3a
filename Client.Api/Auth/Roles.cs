namespace Hotline.Api.Auth;

/// <summary>Staff roles (角色): the domain's (<see cref="StaffRoles"/>) and the API's own. A user may hold several.</summary>
public static class Roles
{
    public const string Agent = StaffRoles.Agent;
    public const string Supervisor = StaffRoles.Supervisor;
    public const string Dispatcher = StaffRoles.Dispatcher;
    public const string Department = StaffRoles.Department;
    public const string Admin = StaffRoles.Admin;
    public const string Auditor = StaffRoles.Auditor;
    public const string Integration = StaffRoles.Integration;
    /// <summary>Survey lead (调查组长): designs questionnaires, builds sample frames and draws samples.</summary>
    public const string SurveyLead = "survey_lead";

    /// <summary>Knowledge editor (知识编辑): drafts articles and submits them for review.</summary>
    public const string KnowledgeEditor = "knowledge_editor";
    /// <summary>Knowledge reviewer (知识审核): returns or publishes submissions, retires articles.</summary>
    public const string KnowledgeReviewer = "knowledge_reviewer";

    /// <summary>The roles that work on calls and orders; knowledge editors and reviewers see no work orders.</summary>
    public static readonly IReadOnlyList<string> Casework = [Agent, Supervisor, Dispatcher, Department, Admin, Auditor, Integration];

    public static readonly IReadOnlyList<string> All = [.. Casework, SurveyLead, KnowledgeEditor, KnowledgeReviewer];
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
    /// <summary>Read work orders: department staff only their own department's (the routes check that).</summary>
    public const string TicketsRead = "tickets.read";
    /// <summary>Register work orders (登记): the roles the life cycle lets create them.</summary>
    public const string TicketsCreate = "tickets.create";
    /// <summary>Act on work orders; which action each role may take is the ticket grain's rule.</summary>
    public const string TicketsAct = "tickets.act";
    /// <summary>Departments, the category tree with the dispatch catalogue, and the work calendar (admin).</summary>
    public const string ReferenceDataWrite = "reference-data.write";
    /// <summary>Read published knowledge articles: every staff role but integrations.</summary>
    public const string KnowledgeRead = "knowledge.read";
    /// <summary>Change articles; which life-cycle command each role may give is KnowledgeLifecycle's rule.</summary>
    public const string KnowledgeWrite = "knowledge.write";
    /// <summary>Synonyms and the category tree (admin).</summary>
    public const string KnowledgeAdmin = "knowledge.admin";
    /// <summary>Recordings (录音): the agents whose calls they are (the route checks that) and those who watch every seat.</summary>
    public const string RecordingsRead = "recordings.read";
    /// <summary>The audit trail (审计日志): auditors and administrators.</summary>
    public const string AuditRead = "audit.read";
    /// <summary>Staff accounts and their roles (admin).</summary>
    public const string UsersAdmin = "users.admin";
    /// <summary>Read sample frames, draws and questionnaires: survey leads, supervisors, admins, auditors.</summary>
    public const string SurveysRead = "surveys.read";
    /// <summary>Import frames, keep the do-not-call list, draw samples, save questionnaires: survey leads and admins.</summary>
    public const string SurveysDesign = "surveys.design";
    /// <summary>Read the voicemail work list (留言): agents, supervisors, admins, and auditors (numbers masked).</summary>
    public const string VoicemailRead = "voicemail.read";
    /// <summary>Mark a voicemail handled: the desks that call citizens back (agents, supervisors, admins).</summary>
    public const string VoicemailHandle = "voicemail.handle";
    /// <summary>Watch survey and return-visit campaigns live: survey leads, supervisors, admins, auditors, the visit desk (dispatchers).</summary>
    public const string CampaignsRead = "campaigns.read";
    /// <summary>Start and pause campaigns: survey leads, supervisors, admins, the visit desk.</summary>
    public const string CampaignsRun = "campaigns.run";
    /// <summary>Interview on an answered campaign call (访问员): agents, the visit desk, survey leads, supervisors, admins.</summary>
    public const string SurveysInterview = "surveys.interview";
    /// <summary>Set up return-visit campaigns (回访): the visit desk (dispatchers), supervisors, admins.</summary>
    public const string ReturnVisitsManage = "return_visits.manage";
    /// <summary>Reports and KPIs (统计报表): supervisors and directors' oversight (supervisor, admin, auditor).</summary>
    public const string ReportsRead = "reports.read";
    /// <summary>The department evaluation (部门考评): as reports, plus department staff for their own row and rank.</summary>
    public const string EvaluationRead = "reports.evaluation";
    /// <summary>Evaluation weights and hot-topic settings (admin).</summary>
    public const string ReportsSettings = "reports.settings";
}
