using Licensing.Api;

namespace Licensing.Tests.Support;

/// <summary>
/// Genuine signed payloads where they do not belong: a license document's ASCII sent as a seat token, an activation
/// token where a lease is expected, another license's seat token or public token id, an offline activation's response
/// as a seat token, and seat tokens, documents and responses as an offline request or proof. The server signed each of
/// them, so only its kind and license checks can refuse them: a refusal, never a 5xx.
/// </summary>
public sealed class FuzzTokenSwaps(FuzzTargets targets)
{
    private static readonly string[] Functions = [nameof(Heartbeat), nameof(Release), nameof(RevokeToken), nameof(OfflineActivate), nameof(OfflineDeactivate)];

    /// <summary>
    /// The calls that take a token or signed text: heartbeat and release (a lease), an admin revoke (a seat of the license
    /// in its path), and the offline calls (a request, a proof).
    /// </summary>
    public static bool Takes(string functionName) => Functions.Contains(functionName, StringComparer.Ordinal);

    public string Swap(Random random, FuzzRequest request, FuzzLicense license, List<RawProperty> body)
    {
        var all = targets.Guarded.Concat(targets.Playground).ToArray();
        var documents = all.Where(l => l.Document is not null).Select(l => l.Document!).ToArray();
        var others = all.Where(l => l.LicenseId != license.LicenseId && l.Token is not null).ToArray();
        var responses = all.Where(l => l.OfflineResponse is not null).Select(l => l.OfflineResponse!).ToArray();
        body.RemoveAll(p => p.Name is "licenseToken" or "token" or "request" or "proof");
        string field, value, swapped;
        if (request.Function.Name is nameof(OfflineActivate) or nameof(OfflineDeactivate))
        {
            field = request.Function.Name == nameof(OfflineActivate) ? "request" : "proof";
            (value, swapped) = random.Next(4) switch
            {
                0 => (FuzzValues.Pick(random, documents), $"a license document as the {field}"),
                1 => (FuzzValues.Pick(random, others).Token!, $"a seat token as the {field}"),
                2 => (FuzzValues.Pick(random, responses), $"an offline response as the {field}"),
                _ => (FuzzValues.Pick(random, responses)["lsres1.".Length..], $"an offline response's JWS as the {field}"),
            };
        }
        else if (request.Function.Name == nameof(RevokeToken))
        {
            (field, value, swapped) = random.Next(4) switch
            {
                0 => ("licenseToken", FuzzValues.Pick(random, documents), "a license document as the revoked token"),
                1 => ("licenseToken", FuzzValues.Pick(random, others).Token!, "another license's seat token"),
                2 => ("licenseToken", FuzzValues.Pick(random, responses)["lsres1.".Length..], "an offline response's JWS as the revoked token"),
                _ => ("token", FuzzValues.Pick(random, others).TokenId!, "another license's public token id"),
            };
        }
        else
        {
            // Heartbeat refuses with a 200 whose active is false; release with a problem.
            request.DenialRefuses = true;
            (field, value, swapped) = random.Next(4) switch
            {
                0 => ("licenseToken", FuzzValues.Pick(random, documents), "a license document as the license token"),
                1 => ("licenseToken", FuzzValues.Pick(random, all.Where(l => l.Mode == 1).ToArray()).Token!, "an activation token where a lease is expected"),
                2 => ("licenseToken", FuzzValues.Pick(random, responses)["lsres1.".Length..], "an offline response's JWS as the license token"),
                _ => ("licenseToken", FuzzValues.Pick(random, others.Where(l => l.MachineId != license.MachineId).ToArray()).Token!, "another license's token for this license's machine"),
            };
        }

        body.Add(new(field, Json.Text(value)));
        request.Body = Json.ObjectOf(body);
        request.ContentType = "application/json";
        return swapped;
    }
}
