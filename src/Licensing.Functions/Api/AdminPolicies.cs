namespace Licensing.Api;

/// <summary>POST /v1/admin/policies: defines a policy, a named template of license terms.</summary>
public sealed class CreatePolicy(AdminPolicyCalls calls)
{
    [Function(nameof(CreatePolicy))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.AdminPolicies)] HttpRequest req) =>
        calls.CreateAsync(req);
}

/// <summary>GET /v1/admin/policies?productId=&amp;pageSize=&amp;continuationToken=: a page of policies.</summary>
public sealed class ListPolicies(AdminPolicyCalls calls)
{
    [Function(nameof(ListPolicies))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminPolicies)] HttpRequest req) =>
        calls.ListAsync(req);
}

/// <summary>GET /v1/admin/policies/{policyId}: one policy.</summary>
public sealed class GetPolicy(AdminPolicyCalls calls)
{
    [Function(nameof(GetPolicy))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminPolicy)] HttpRequest req, string policyId) =>
        calls.GetAsync(req, policyId);
}

/// <summary>PATCH /v1/admin/policies/{policyId}: changes the terms of licenses created from it afterwards.</summary>
public sealed class UpdatePolicy(AdminPolicyCalls calls)
{
    [Function(nameof(UpdatePolicy))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = Routes.AdminPolicy)] HttpRequest req, string policyId) =>
        calls.PatchAsync(req, policyId);
}

/// <summary>DELETE /v1/admin/policies/{policyId}: licenses created from it keep their terms.</summary>
public sealed class DeletePolicy(AdminPolicyCalls calls)
{
    [Function(nameof(DeletePolicy))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.AdminPolicy)] HttpRequest req, string policyId) =>
        calls.DeleteAsync(req, policyId);
}
