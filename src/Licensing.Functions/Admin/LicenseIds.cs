namespace Licensing.Admin;

public static partial class LicenseIds
{
    /// <summary>Whether a route's license id has the shape of one (anything else is an unknown license, without a storage call).</summary>
    public static bool IsWellFormed(string licenseId) => Pattern().IsMatch(licenseId);

    [GeneratedRegex("^lic_[a-z2-7]{26}$")]
    private static partial Regex Pattern();
}
