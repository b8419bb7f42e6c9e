namespace Licensing.Admin;

/// <summary>Generated user keys.</summary>
public static class UserKeyGenerator
{
    /// <summary>Five groups of five base32 characters (125 bits), upper case, easy to read out and type.</summary>
    public static string Generate() =>
        string.Join('-', Enumerable.Range(0, 5).Select(_ => Base32.Random(5).ToUpperInvariant()));
}
