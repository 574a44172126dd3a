using Hotline.Departments;

namespace Hotline.Api.Contracts;

/// <summary>A handling department (承办单位).</summary>
public sealed record DepartmentResponse(string Id, string Name, IReadOnlyList<string> Categories, string? Phone, bool Active)
{
    public static DepartmentResponse FromGrain(DepartmentSnapshot d) =>
        new(d.Id, d.Profile.Name, d.Profile.Categories, d.Profile.Phone, d.Profile.Active);
}

/// <summary>A department with its inbox counters from the work-order read model.</summary>
public sealed record DepartmentDetailResponse(
    string Id, string Name, IReadOnlyList<string> Categories, string? Phone, bool Active, DepartmentInbox Inbox);

/// <summary>
/// The department's inbox: orders waiting for it to sign (dispatched), in hand (signed or reopened), overdue,
/// replied and waiting for the return visit, open orders it co-handles, and how many orders it has returned.
/// </summary>
public sealed record DepartmentInbox(int ToSign, int InHand, int Overdue, int Returned, int Replied, int CoHandling);

/// <summary>The body of <c>POST</c> and <c>PUT /api/departments/{id}</c>.</summary>
public sealed record DepartmentRequest(string? Name, IReadOnlyList<string?>? Categories, string? Phone, bool? Active);
