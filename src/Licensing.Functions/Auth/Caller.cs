namespace Licensing.Auth;

public static class ApiScopes
{
    public const string Client = "client";
    public const string Admin = "admin";

    /// <summary>The scope of a portal session: the license's owner, acting on that one license only.</summary>
    public const string Customer = "customer";

    public static bool IsKnown(string scope) => scope is Client or Admin;
}

/// <summary>
/// Who is calling: the API key's id, scope and, for a product-bound client key, its product; for a portal session, the
/// customer and the one license it acts on.
/// </summary>
public sealed record Caller(string KeyId, string Scope, string? ProductId, string ClientAddr)
{
    /// <summary>The actor a portal session's changes are recorded under.</summary>
    public const string CustomerActor = "customer";

    public bool IsAdmin => Scope == ApiScopes.Admin;

    /// <summary>A portal session's license: every other license is, to this caller, an unknown one.</summary>
    public string? LicenseId { get; init; }

    /// <summary>The owner of one license, signed in to the portal.</summary>
    public static Caller Customer(string licenseId, string clientAddr) =>
        new(CustomerActor, ApiScopes.Customer, ProductId: null, clientAddr) { LicenseId = licenseId };

    /// <summary>A product-bound key sees other products' licenses exactly as unknown ones; a portal session sees its own license only.</summary>
    public LicenseRow? Visible(LicenseRow? license) =>
        license is not null
        && (ProductId is null || string.Equals(ProductId, license.ProductId, StringComparison.Ordinal))
        && (LicenseId is null || string.Equals(LicenseId, license.LicenseId, StringComparison.Ordinal))
            ? license
            : null;
}
