namespace Licensing.Domain;

/// <summary>A seat grant's short public id, shown by info; never the bearer token.</summary>
public static class TokenIds
{
    public const string LeasePrefix = "fltk_";
    public const string ActivationPrefix = "actk_";

    public static string NewLease() => LeasePrefix + Base32.Random(16);
    public static string NewActivation() => ActivationPrefix + Base32.Random(16);
}
