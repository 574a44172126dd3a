using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Hotline.Api.Auth;

/// <summary>Who may do what. Every route needs a signed-in user unless it says <c>AllowAnonymous</c>.</summary>
internal static class AuthorizationSetup
{
    public static IServiceCollection AddHotlineAuthorization(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, SeatAccessHandler>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(BearerTokenHandler.SchemeName).RequireAuthenticatedUser().Build())
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(BearerTokenHandler.SchemeName).RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.SeatOwner, p => p.RequireAuthenticatedUser().AddRequirements(new SeatAccessRequirement(AllowWatchers: false)))
            .AddPolicy(Policies.SeatRead, p => p.RequireAuthenticatedUser().AddRequirements(new SeatAccessRequirement(AllowWatchers: true)))
            .AddPolicy(Policies.SeatsReadAll, p => p.RequireRole(Roles.Supervisor, Roles.Admin, Roles.Auditor))
            .AddPolicy(Policies.SupervisorCommands, p => p.RequireRole(Roles.Supervisor, Roles.Admin))
            .AddPolicy(Policies.QueuesWrite, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.CallsReadAll, p => p.RequireRole(Roles.Supervisor, Roles.Admin, Roles.Auditor))
            // An agent may read a call only if it is or was at their seat; the handler checks that.
            .AddPolicy(Policies.CallsReadOne, p => p.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Admin, Roles.Auditor))
            .AddPolicy(Policies.CallsOutbound, p => p.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Admin))
            .AddPolicy(Policies.SimulatedTrunk, p => p.RequireRole(Roles.Admin, Roles.Supervisor, Roles.Integration))
            .AddPolicy(Policies.Metrics, p => p.RequireRole(Roles.Admin, Roles.Integration, Roles.Supervisor))
            .AddPolicy(Policies.TicketsRead, p => p.RequireRole(Roles.Casework))
            .AddPolicy(Policies.TicketsCreate, p => p.RequireRole(Roles.Agent, Roles.Dispatcher, Roles.Supervisor, Roles.Admin, Roles.Integration))
            // Auditors only read; integrations only register.
            .AddPolicy(Policies.TicketsAct, p => p.RequireRole(Roles.Agent, Roles.Dispatcher, Roles.Supervisor, Roles.Department, Roles.Admin))
            .AddPolicy(Policies.ReferenceDataWrite, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.UsersAdmin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.RecordingsRead, p => p.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Admin, Roles.Auditor))
            .AddPolicy(Policies.AuditRead, p => p.RequireRole(Roles.Auditor, Roles.Admin))
            .AddPolicy(Policies.SurveysRead, p => p.RequireRole(Roles.SurveyLead, Roles.Supervisor, Roles.Admin, Roles.Auditor))
            .AddPolicy(Policies.SurveysDesign, p => p.RequireRole(Roles.SurveyLead, Roles.Admin))
            .AddPolicy(Policies.CampaignsRead, p => p.RequireRole(Roles.SurveyLead, Roles.Supervisor, Roles.Admin, Roles.Auditor, Roles.Dispatcher))
            .AddPolicy(Policies.CampaignsRun, p => p.RequireRole(Roles.SurveyLead, Roles.Supervisor, Roles.Admin, Roles.Dispatcher))
            .AddPolicy(Policies.SurveysInterview, p => p.RequireRole(Roles.Agent, Roles.Dispatcher, Roles.SurveyLead, Roles.Supervisor, Roles.Admin))
            .AddPolicy(Policies.ReturnVisitsManage, p => p.RequireRole(Roles.Dispatcher, Roles.Supervisor, Roles.Admin))
            .AddPolicy(Policies.KnowledgeRead, p => p.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Dispatcher, Roles.Department, Roles.Admin,
                Roles.Auditor, Roles.KnowledgeEditor, Roles.KnowledgeReviewer))
            .AddPolicy(Policies.KnowledgeWrite, p => p.RequireRole(Roles.KnowledgeEditor, Roles.KnowledgeReviewer, Roles.Admin))
            .AddPolicy(Policies.KnowledgeAdmin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.VoicemailRead, p => p.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Admin, Roles.Auditor))
            .AddPolicy(Policies.VoicemailHandle, p => p.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Admin))
            .AddPolicy(Policies.ReportsRead, p => p.RequireRole(Roles.Supervisor, Roles.Admin, Roles.Auditor))
            .AddPolicy(Policies.EvaluationRead, p => p.RequireRole(Roles.Supervisor, Roles.Admin, Roles.Auditor, Roles.Department))
            .AddPolicy(Policies.ReportsSettings, p => p.RequireRole(Roles.Admin));
        return services;
    }

    /// <summary>Users who watch every seat (the supervisor wall, oversight).</summary>
    public static bool WatchesAllSeats(this ClaimsPrincipal user) =>
        user.IsInRole(Roles.Supervisor) || user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Auditor);

    public static string JobNo(this ClaimsPrincipal user) => user.Identity?.Name ?? "";
}

/// <summary>The route's <c>{jobNo}</c> must be the caller's own seat (or, for reads, the caller watches all seats).</summary>
internal sealed record SeatAccessRequirement(bool AllowWatchers) : IAuthorizationRequirement;

internal sealed class SeatAccessHandler : AuthorizationHandler<SeatAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SeatAccessRequirement requirement)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true) return Task.CompletedTask;
        if (requirement.AllowWatchers && user.WatchesAllSeats())
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        // The route's {jobNo}, or the job number the web UI passes for the seat it acts on.
        var jobNo = context.Resource switch
        {
            HttpContext http => http.GetRouteValue("jobNo") as string,
            string seat => seat,
            _ => null,
        };
        var hasSeat = user.IsInRole(Roles.Agent) || user.IsInRole(Roles.Supervisor);
        if (hasSeat && jobNo is not null && string.Equals(jobNo, user.JobNo(), StringComparison.Ordinal))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
