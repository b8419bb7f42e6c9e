using Licensing.Storage;

namespace Licensing.Auth;

public static class ApiScopes
{
    public const string Client = "client";
    public const string Admin = "admin";

    public static bool IsKnown(string scope) => scope is Client or Admin;
}

/// <summary>Who is calling: the API key's id, scope and, for a product-bound client key, its product.</summary>
public sealed record Caller(string KeyId, string Scope, string? ProductId, string ClientAddr)
{
    public bool IsAdmin => Scope == ApiScopes.Admin;

    /// <summary>A product-bound key sees other products' licenses exactly as unknown ones.</summary>
    public LicenseRow? Visible(LicenseRow? license) =>
        license is not null && (ProductId is null || string.Equals(ProductId, license.ProductId, StringComparison.Ordinal)) ? license : null;
}
