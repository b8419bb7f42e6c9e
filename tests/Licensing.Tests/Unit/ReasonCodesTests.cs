using System.Reflection;
using System.Text.RegularExpressions;
using Licensing.Client;
using Licensing.Domain;

namespace Licensing.Tests.Unit;

/// <summary>The SDK's <see cref="LicenseReason"/> values and the server's reason codes are the same set, pair by pair.</summary>
public sealed partial class ReasonCodesTests
{
    private static readonly List<string> ServerCodes = typeof(Reasons)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();

    [Fact]
    public void Each_server_reason_code_is_parsed_by_the_SDK_to_the_reason_of_the_same_name()
    {
        var parsed = ServerCodes.Select(code => (Code: code, Reason: LicenseReasons.Parse(code))).ToList();

        Assert.Equal(19, parsed.Count);
        Assert.All(parsed, p => Assert.Equal(PascalCase(p.Code), p.Reason.ToString()));
    }

    [Fact]
    public void Each_SDK_reason_but_Unknown_is_a_server_reason_code_and_no_server_code_is_missing()
    {
        var sdkCodes = Enum.GetValues<LicenseReason>()
            .Where(r => r != LicenseReason.Unknown)
            .Select(r => UpperLetter().Replace(r.ToString(), "_$1").ToLowerInvariant())
            .Order(StringComparer.Ordinal);

        Assert.Equal(ServerCodes.Order(StringComparer.Ordinal), sdkCodes);
    }

    private static string PascalCase(string code) => string.Concat(code.Split('_').Select(word => char.ToUpperInvariant(word[0]) + word[1..]));

    [GeneratedRegex("(?<!^)([A-Z])")]
    private static partial Regex UpperLetter();
}
