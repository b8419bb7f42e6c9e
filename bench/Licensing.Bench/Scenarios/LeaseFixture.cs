using System.Text;
using Licensing.Bench.Load;
using Licensing.Storage;

namespace Licensing.Bench.Scenarios;

/// <summary>A granted floating lease, with its heartbeat body serialised once.</summary>
public sealed record Lease(string LicenseId, string MachineId, string SeatRow, string Token, byte[] HeartbeatBody);

/// <summary>
/// The heartbeat layout, shared by the heartbeat and floor runs so both work on the very same rows: a server with
/// --leases live floating leases spread over --licenses licenses, granted through the API.
/// </summary>
public sealed class LeaseFixture : IAsyncDisposable
{
    /// <summary>Long enough that no lease lapses during a run, however slow.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMinutes(30);

    private LeaseFixture(ServerSession session, IReadOnlyList<Lease> leases)
    {
        Session = session;
        Leases = leases;
    }

    public ServerSession Session { get; }

    public IReadOnlyList<Lease> Leases { get; }

    public static async Task<LeaseFixture> CreateAsync(BenchContext context, CancellationToken ct)
    {
        var options = context.Options;
        var session = await ServerSession.StartAsync(context, options.Concurrency.Max(), ct).ConfigureAwait(false);
        try
        {
            Load.Progress.Say($"==> heartbeat layout: {options.Leases:N0} leases over {options.Licenses} licenses");
            var seatsPerLicense = (options.Leases + options.Licenses - 1) / options.Licenses;
            var licenses = new (string LicenseId, string UserKey)[options.Licenses];
            await BenchContext.ForEachAsync("licenses", options.Licenses, 4, async (i, token) =>
                licenses[i] = await session.CreateLicenseAsync(2, seatsPerLicense, HeartbeatInterval, token).ConfigureAwait(false), ct).ConfigureAwait(false);
            await session.WarmUpAsync(licenses[0].UserKey, ct).ConfigureAwait(false);

            var leases = new Lease[options.Leases];
            await BenchContext.ForEachAsync("leases granted", options.Leases, 8, async (i, token) =>
            {
                var (licenseId, userKey) = licenses[i % licenses.Length];
                var machineId = $"hb-machine-{i:D6}";
                var answer = await session.Api.PostAsync("v1/license/request",
                    ApiClient.Body(("userKey", userKey), ("machineId", machineId), ("clientId", "app"), ("clientName", "Bench client")), token).ConfigureAwait(false);
                using var json = answer.Json();
                if (answer.Status != 200 || !json.RootElement.TryGetProperty("licenseToken", out var token2) || token2.GetString() is not { } leaseToken)
                {
                    throw new InvalidOperationException($"setting up lease {i} answered {answer.Status}: {Encoding.UTF8.GetString(answer.Body)}");
                }

                leases[i] = new Lease(licenseId, machineId, TableKeys.LeaseRow(machineId, "app"), leaseToken,
                    ApiClient.Body(("licenseToken", leaseToken), ("machineId", machineId)));
            }, ct).ConfigureAwait(false);
            return new LeaseFixture(session, leases);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The leases client <paramref name="client"/> of <paramref name="clients"/> works on: disjoint, so clients never race.</summary>
    public Lease[] ShareOf(int client, int clients) => Leases.Where((_, i) => i % clients == client).ToArray();

    public ValueTask DisposeAsync() => Session.DisposeAsync();
}
