using System.Buffers.Text;
using System.Text.Json;

namespace Licensing.Tests.Support;

/// <summary>What a client can read of its seat token without the server: the claims in the compact JWS's payload.</summary>
public static class SeatTokens
{
    /// <summary>The token id (<c>tid</c>): the seat grant's public id, the one info shows as <c>token</c>.</summary>
    public static string TokenId(string licenseToken)
    {
        var parts = licenseToken.Split('.');
        Assert.True(parts.Length == 3, $"not a compact JWS: {licenseToken}");
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        return payload.RootElement.GetProperty("tid").GetString()!;
    }
}
