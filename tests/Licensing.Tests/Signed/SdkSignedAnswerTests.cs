using System.Security.Cryptography;
using Licensing.Client;
using Licensing.Tests.Support;

namespace Licensing.Tests.Signed;

/// <summary>
/// The SDK requires signed answers: whatever a proxy or a fake server between it and the real server changes in an
/// answer (body, status, nonce, key, signature, date) makes the call fail as an unverified answer, never a success.
/// Server and SDK share the test's clock.
/// </summary>
public sealed class SdkSignedAnswerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public enum Tampering { Body, Status, Nonce, KeyId, Signature, Date, Stripped }

    [Theory]
    [InlineData(Tampering.Body, "its body does not match its Content-Digest")]
    [InlineData(Tampering.Status, "its signature does not verify over its status, digest and nonce")]
    [InlineData(Tampering.Nonce, "it does not echo this call's Licensing-Nonce")]
    [InlineData(Tampering.KeyId, "which is not one of the server's keys")]
    [InlineData(Tampering.Signature, "its signature does not verify over its status, digest and nonce")]
    [InlineData(Tampering.Date, "more than 00:05:00 from this machine's clock")]
    [InlineData(Tampering.Stripped, "it carries no Content-Digest")]
    public async Task A_changed_answer_is_refused_as_unverified_saying_what_is_wrong(Tampering tampering, string why)
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var license = await server.CreateLicenseAsync(mode: 1, seats: 1);
        var identity = new ClientIdentity(license.UserKey, "sdk-machine");
        (byte[] Body, (string Name, string[] Values)[] Headers)? captured = null;
        using var proxy = new AnswerTampering("validate", async answer =>
        {
            switch (tampering)
            {
                case Tampering.Body:
                    return await AnswerTampering.WithBodyAsync(answer, b => b + " ");
                case Tampering.Status:
                    answer.StatusCode = System.Net.HttpStatusCode.Accepted;
                    return answer;
                case Tampering.Nonce:
                    // A replay: the first answer, captured whole, is the answer to every later call.
                    captured ??= (await answer.Content.ReadAsByteArrayAsync(), answer.Headers.Select(h => (h.Key, h.Value.ToArray())).ToArray());
                    var replayed = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent(captured.Value.Body) };
                    replayed.Content.Headers.ContentType = answer.Content.Headers.ContentType;
                    foreach (var (name, values) in captured.Value.Headers)
                    {
                        replayed.Headers.TryAddWithoutValidation(name, values);
                    }

                    answer.Dispose();
                    return replayed;
                case Tampering.KeyId:
                    var input = AnswerTampering.Header(answer, "Signature-Input");
                    return AnswerTampering.WithHeader(answer, "Signature-Input", System.Text.RegularExpressions.Regex.Replace(input, "keyid=\"[^\"]+\"", "keyid=\"AAAAAAAAAAAAAAAA\""));
                case Tampering.Signature:
                    var signature = AnswerTampering.Header(answer, "Signature");
                    return AnswerTampering.WithHeader(answer, "Signature", "lic=:" + (signature[5] == 'A' ? 'B' : 'A') + signature[6..]);
                case Tampering.Date:
                    server.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
                    return answer;
                default:
                    return AnswerTampering.WithHeader(AnswerTampering.WithHeader(answer, "Content-Digest", null), "Signature", null);
            }
        });
        using var client = NewClient(server, proxy);
        if (tampering == Tampering.Nonce)
        {
            await client.ValidateAsync(identity);
        }

        var refused = await Assert.ThrowsAsync<LicensingException>(() => client.ValidateAsync(identity));

        Assert.Equal(LicensingErrorKind.UnverifiedAnswer, refused.Kind);
        Assert.Contains(why, refused.Message, StringComparison.Ordinal);
        Assert.StartsWith($"The answer from {server.Http.BaseAddress} (", refused.Message, StringComparison.Ordinal);
        Assert.True(refused.IsTransient);
    }

    [Fact]
    public async Task The_same_calls_through_a_proxy_that_changes_nothing_succeed()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var license = await server.CreateLicenseAsync(mode: 1, seats: 1);
        using var proxy = new AnswerTampering("validate", answer => Task.FromResult(answer));
        using var client = NewClient(server, proxy);

        var activated = await client.ActivateAsync(new ClientIdentity(license.UserKey, "sdk-machine"));
        var validated = await client.ValidateAsync(new ClientIdentity(license.UserKey, "sdk-machine"));

        Assert.True(activated.Success);
        Assert.True(validated.Success);
        Assert.Equal(1, proxy.Changed);
    }

    [Fact]
    public async Task A_fake_server_with_a_key_of_its_own_is_refused_by_a_client_that_pinned_the_real_keys()
    {
        await using var real = await ServerFixture.StartAsync(_ => { });
        await using var fake = await ServerFixture.StartAsync(_ => { }, clock: real.Clock);
        var license = await fake.CreateLicenseAsync(mode: 1, seats: 1);
        using var keys = NewClient(real);
        var realKeys = await keys.GetKeysAsync();
        using var client = new LicensingClient(new HttpClient(),
            new LicensingClientOptions { BaseAddress = fake.Http.BaseAddress, ApiKey = fake.ClientKey, ServerKeys = realKeys }, real.Clock);

        var refused = await Assert.ThrowsAsync<LicensingException>(() => client.ActivateAsync(new ClientIdentity(license.UserKey, "sdk-machine")));

        Assert.Equal(LicensingErrorKind.UnverifiedAnswer, refused.Kind);
        Assert.Contains("which is not one of the server's keys", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_with_signing_off_is_refused_by_default_and_served_when_the_client_does_not_require_signatures()
    {
        await using var server = await ServerFixture.StartAsync(s => s["Licensing:SignAnswers"] = "false");
        var license = await server.CreateLicenseAsync(mode: 1, seats: 1);
        using var requiring = NewClient(server);
        using var lenient = new LicensingClient(new HttpClient(),
            new LicensingClientOptions { BaseAddress = server.Http.BaseAddress, ApiKey = server.ClientKey, RequireSignedAnswers = false }, server.Clock);

        var refused = await Assert.ThrowsAsync<LicensingException>(() => requiring.ActivateAsync(new ClientIdentity(license.UserKey, "m1")));
        var activated = await lenient.ActivateAsync(new ClientIdentity(license.UserKey, "m1"));

        Assert.Equal(LicensingErrorKind.UnverifiedAnswer, refused.Kind);
        Assert.True(activated.Success);
    }

    [Fact]
    public async Task A_lease_whose_heartbeat_answers_are_forged_keeps_retrying_as_in_an_outage_and_is_lost_when_it_lapses()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: 60);
        using var fakeKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var forger = new AnswerTampering("heartbeat", answer => Task.FromResult(AnswerTampering.Forged(answer,
            """{"active":true,"tokenExpireAt":"2099-01-01T00:00:00Z","heartbeatInterval":{"seconds":60,"nanos":0},"reason":null,"message":null}""", fakeKey)));
        using var client = NewClient(server, forger);
        await using var lease = await client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "sdk-machine"), new LeaseOptions { Jitter = 0 });
        var lapsesAt = lease.TokenExpireAt;
        var lost = new TaskCompletionSource<LeaseLostEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        lease.Lost += (_, e) => lost.TrySetResult(e);

        TimeSpan[] expected = [TimeSpan.FromSeconds(60), .. new[] { 0.5, 1, 2, 4, 8, 15, 15, 14.5 }.Select(TimeSpan.FromSeconds)];
        var waits = new List<TimeSpan>();
        for (var attempt = 0; attempt < expected.Length; attempt++)
        {
            waits.Add(await server.Clock.NextWaitAsync());
            Assert.Equal(LeaseState.Active, lease.State);
            server.Clock.Advance(waits[^1]);
        }

        var reported = await lost.Task.WaitAsync(Patience);

        Assert.Equal(expected, waits);
        Assert.Equal(9, forger.Changed);
        Assert.Equal(0, lease.Heartbeats);
        Assert.Equal(lapsesAt, lease.TokenExpireAt);
        Assert.Equal(LeaseState.Lost, lease.State);
        Assert.Equal(LicenseReason.TokenExpired, reported.Reason);
        Assert.Contains("its signature does not verify", reported.Message, StringComparison.Ordinal);
    }

    private static LicensingClient NewClient(ServerFixture server, HttpMessageHandler? handler = null) =>
        new(handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false),
            new LicensingClientOptions { BaseAddress = server.Http.BaseAddress, ApiKey = server.ClientKey },
            server.Clock);
}
