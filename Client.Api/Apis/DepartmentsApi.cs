using System.Security.Claims;
using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Contracts;
using Hotline.Api.Problems;
using Hotline.Departments;
using Hotline.ReadModel.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Api.Apis;

/// <summary>
/// Handling departments (承办单位): profiles for everyone, each department's inbox counters and work orders
/// for the centre and for the department itself, edits for admins.
/// </summary>
public static class DepartmentsApi
{
    public const int MaxCategories = 200;

    public static RouteGroupBuilder MapDepartmentsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/departments", GetAll).WithTags("Departments").AddEndpointFilter<RequireClusterFilter>()
            .WithSummary("Every department's profile");
        var api = app.MapGroup("/api/departments/{id}").WithTags("Departments").AddEndpointFilter<RequireClusterFilter>();
        api.MapGet("", Get).RequireAuthorization(Policies.TicketsRead)
            .WithSummary("A department with its inbox counters (department staff: their own only)");
        api.MapGet("/tickets", Tickets).RequireAuthorization(Policies.TicketsRead)
            .WithSummary("Work orders the department leads or co-handles, with the list's filters (department staff: their own only)");
        api.MapPost("", Create).RequireAuthorization(Policies.ReferenceDataWrite).WithSummary("Create a department (admin)");
        api.MapPut("", Save).RequireAuthorization(Policies.ReferenceDataWrite).WithSummary("Create or replace a department (admin)");
        return api;
    }

    internal static async Task<Ok<DepartmentResponse[]>> GetAll(IClusterClient cluster)
    {
        var ids = await cluster.GetGrain<IDepartmentDirectoryGrain>(IDepartmentDirectoryGrain.Centre).GetAllAsync();
        var departments = await Task.WhenAll(ids.Select(id => cluster.GetGrain<IDepartmentGrain>(id).GetAsync()));
        return TypedResults.Ok(departments.Select(DepartmentResponse.FromGrain).ToArray());
    }

    internal static async Task<Results<Ok<DepartmentDetailResponse>, ValidationProblem, ProblemHttpResult>> Get(
        string id, IClusterClient cluster, ITicketRecords records, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!InputRules.Slug().IsMatch(id)) return BadId();
        if (IsOtherDepartment(id, user)) return OwnDepartmentOnly();
        var department = await cluster.GetGrain<IDepartmentGrain>(id).GetAsync();
        var inbox = await records.InboxAsync(id, ct);
        var p = department.Profile;
        return TypedResults.Ok(new DepartmentDetailResponse(department.Id, p.Name, p.Categories, p.Phone, p.Active, inbox));
    }

    internal static async Task<Results<Ok<TicketListResponse>, ValidationProblem, ProblemHttpResult>> Tickets(
        string id, [AsParameters] TicketListQuery query, IClusterClient cluster, ITicketRecords records, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!InputRules.Slug().IsMatch(id)) return BadId();
        if (IsOtherDepartment(id, user)) return OwnDepartmentOnly();
        var errors = new FieldErrors();
        errors.Check(query.Department is null || query.Department == id, "department", "Leave it out: the route names the department.");
        var filter = query.ToFilter(errors);
        if (errors.TryGetProblem(out var problem)) return problem;
        await cluster.GetGrain<IDepartmentGrain>(id).GetAsync(); // 404 department.not_found for an unknown id
        return TypedResults.Ok(await TicketsApi.ListAsync(filter! with { Department = id, Scope = user.TicketScope() }, records, user, ct));
    }

    internal static async Task<Results<Created<DepartmentResponse>, ValidationProblem, ProblemHttpResult>> Create(
        string id, DepartmentRequest body, IClusterClient cluster)
    {
        var errors = new FieldErrors();
        var profile = await ValidateAsync(id, body, cluster, errors);
        if (errors.TryGetProblem(out var problem)) return problem;
        var existing = await cluster.GetGrain<IDepartmentDirectoryGrain>(IDepartmentDirectoryGrain.Centre).GetAllAsync();
        if (existing.Contains(id))
            return ApiProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.DepartmentExists,
                $"Department '{id}' exists; PUT replaces it.");
        var saved = await cluster.GetGrain<IDepartmentGrain>(id).SaveAsync(profile!);
        return TypedResults.Created($"/api/departments/{id}", DepartmentResponse.FromGrain(saved));
    }

    internal static async Task<Results<Ok<DepartmentResponse>, ValidationProblem>> Save(string id, DepartmentRequest body, IClusterClient cluster)
    {
        var errors = new FieldErrors();
        var profile = await ValidateAsync(id, body, cluster, errors);
        if (errors.TryGetProblem(out var problem)) return problem;
        var saved = await cluster.GetGrain<IDepartmentGrain>(id).SaveAsync(profile!);
        return TypedResults.Ok(DepartmentResponse.FromGrain(saved));
    }

    internal static async Task<DepartmentProfile?> ValidateAsync(string id, DepartmentRequest body, IClusterClient cluster, FieldErrors errors)
    {
        errors.Check(InputRules.Slug().IsMatch(id), "id", "Must be 1 to 64 of a-z 0-9 -, starting with a letter or digit.");
        var name = TicketIntakeValidation.Required(body.Name, "name", 64, errors);
        var phone = TicketIntakeValidation.Trimmed(body.Phone);
        errors.Check(phone is null || InputRules.Phone().IsMatch(phone), "phone", "Must be a phone number: 3 to 20 digits, optionally after +.");

        var categories = new List<string>();
        var requested = body.Categories ?? [];
        errors.Check(requested.Count <= MaxCategories, "categories", $"At most {MaxCategories} categories.");
        if (requested.Count > 0)
        {
            var known = await TicketsApi.KnownCategoriesAsync(cluster);
            for (var i = 0; i < requested.Count; i++)
            {
                var category = requested[i];
                if (category is null || !known.Contains(category)) errors.Add($"categories[{i}]", $"Unknown category '{category}'; see GET /api/categories.");
                else if (categories.Contains(category)) errors.Add($"categories[{i}]", $"Category '{category}' is listed twice.");
                else categories.Add(category);
            }
        }
        return errors.Any ? null : new DepartmentProfile { Name = name!, Categories = categories, Phone = phone, Active = body.Active ?? true };
    }

    internal static ValidationProblem BadId() => ApiProblems.Validation("id", "Not a department id.");

    /// <summary>Department staff asking about another department.</summary>
    internal static bool IsOtherDepartment(string id, ClaimsPrincipal user) => user.TicketScope() is { } own && own != id;

    internal static ProblemHttpResult OwnDepartmentOnly() => ApiProblems.Forbidden("Department staff see their own department only.");
}
