namespace Licensing.Tests.Support;

public static class TestStorage
{
    /// <summary>scripts/test.sh starts an Azurite of its own and names it here; else the default local Azurite.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("LICENSING_TEST_STORAGE") is { Length: > 0 } value ? value : "UseDevelopmentStorage=true";

    /// <summary>A table prefix no other host of this run uses, so hosts with different clocks never share rows.</summary>
    public static string NewTablePrefix() => "t" + Guid.NewGuid().ToString("N")[..12];
}
