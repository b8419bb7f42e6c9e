using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Licensing.Tests.Support;
using Licensing.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Webhooks;

/// <summary>A server whose webhooks may reach a receiver on loopback, with seeded retry jitter, and what the tests ask of it.</summary>
public static class WebhookServer
{
    public static Task<ServerFixture> StartAsync(bool allowLoopback = true, string? tablePrefix = null, TestClock? clock = null) =>
        ServerFixture.StartAsync(
            settings =>
            {
                settings["Licensing:AllowInsecureWebhookUrls"] = allowLoopback ? "true" : "false";
                settings["Licensing:AllowPrivateWebhookTargets"] = allowLoopback ? "true" : "false";
                if (tablePrefix is not null)
                {
                    settings["Licensing:TablePrefix"] = tablePrefix;
                }
            },
            builder => builder.Services.AddSingleton(new WebhookBackoff(new Random(7))),
            clock);

    /// <summary>One run of the dispatcher's work, as the timer function would.</summary>
    public static Task<WebhookRun> RunDispatcherAsync(this ServerFixture server) =>
        server.Services.GetRequiredService<WebhookDispatcher>().RunAsync(CancellationToken.None);

    public static async Task<string> CreateWebhookAsync(this ServerFixture server, string url, string[] events, string? productId = null)
    {
        var created = await server.AdminPostAsync("v1/admin/webhooks", productId is null ? new { url, events } : new { url, events, productId });
        return created.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>The webhook's delivery log, newest first.</summary>
    public static async Task<JsonElement[]> DeliveriesAsync(this ServerFixture server, string webhookId)
    {
        using var log = await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/webhooks/{webhookId}/deliveries", null, ServerFixture.AdminKey);
        return log.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    public static async Task<JsonElement> JwksAsync(this ServerFixture server)
    {
        using var response = await server.Http.GetAsync("v1/license/keys");
        return (await ServerFixture.ReadJsonAsync(response)).RootElement.Clone();
    }

    /// <summary>Checks a delivery's signature as a receiver would, with nothing but the public JWKS.</summary>
    public static bool SignatureVerifies(JsonElement jwks, ReceivedDelivery delivery)
    {
        var parts = delivery.Signature.Split('.');
        if (parts.Length != 3 || parts[1].Length != 0)
        {
            return false;
        }

        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        var kid = header.RootElement.GetProperty("kid").GetString();
        var jwk = jwks.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == kid);
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint
            {
                X = Base64Url.DecodeFromChars(jwk.GetProperty("x").GetString()),
                Y = Base64Url.DecodeFromChars(jwk.GetProperty("y").GetString()),
            },
        });
        var signingInput = parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(delivery.Timestamp + "." + delivery.Body));
        return header.RootElement.GetProperty("alg").GetString() == "ES256"
            && key.VerifyData(Encoding.ASCII.GetBytes(signingInput), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
