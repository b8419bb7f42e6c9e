using System.Text.Json;
using Licensing.Client;
using Licensing.Tests.Support;

namespace Licensing.Tests.Webhooks;

/// <summary>The SDK's WebhookVerifier on real deliveries: genuine ones verify; altered, replayed or misattributed ones do not.</summary>
public sealed class WebhookVerifierTests : IAsyncLifetime, IDisposable
{
    private const int Floating = 2;

    private ServerFixture _server = null!;
    private WebhookReceiver _receiver = null!;
    private LicensingClient _client = null!;
    private ReceivedDelivery _delivery = null!;
    private License _license = null!;

    public async Task InitializeAsync()
    {
        _server = await WebhookServer.StartAsync();
        _receiver = await WebhookReceiver.StartAsync();
        _client = new LicensingClient(new HttpClient(), new LicensingClientOptions { BaseAddress = _server.Http.BaseAddress, ApiKey = _server.ClientKey }, _server.Clock);
        await _server.CreateWebhookAsync(_receiver.Url(), ["seat.granted"]);
        _license = await _server.CreateLicenseAsync(Floating, seats: 1, extra: new { productId = "editor" });
        await _server.CallAsync("v1/license/request", new { _license.UserKey, machineId = "m1" });
        await _server.RunDispatcherAsync();
        _delivery = Assert.Single(_receiver.Received);
    }

    public void Dispose() => _client.Dispose();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_genuine_delivery_verifies_and_reads_as_its_event()
    {
        var verified = await new WebhookVerifier(_client).VerifyAsync(Headers(_delivery), _delivery.Body);

        Assert.Equal((_delivery.EventId, "seat.granted", _license.LicenseId, "editor", 2L), (verified.Id, verified.Type, verified.LicenseId, verified.ProductId, verified.Sequence));
        Assert.Equal(TestClock.StartsAt, verified.At);
        Assert.Equal("m1", verified.Data.GetProperty("machineId").GetString());
    }

    [Fact]
    public async Task A_delivery_with_its_body_altered_is_refused()
    {
        var altered = _delivery.Body.Replace("\"m1\"", "\"m2\"", StringComparison.Ordinal);

        var refused = await Assert.ThrowsAsync<LicensingException>(() => new WebhookVerifier(_client).VerifyAsync(Headers(_delivery), altered));

        Assert.NotEqual(_delivery.Body, altered);
        Assert.Equal(LicensingErrorKind.VerificationFailed, refused.Kind);
        Assert.Equal("The signature does not verify: the body was altered or not signed by this server.", refused.Message);
    }

    [Fact]
    public async Task A_delivery_replayed_after_the_tolerance_is_refused()
    {
        _server.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        var refused = await Assert.ThrowsAsync<LicensingException>(() => new WebhookVerifier(_client).VerifyAsync(Headers(_delivery), _delivery.Body));

        Assert.Equal(LicensingErrorKind.VerificationFailed, refused.Kind);
        Assert.StartsWith("The delivery was signed at ", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delivery_whose_timestamp_header_was_changed_is_refused()
    {
        var headers = Headers(_delivery);
        headers[WebhookVerifier.TimestampHeader] = (long.Parse(_delivery.Timestamp, System.Globalization.CultureInfo.InvariantCulture) + 60).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var refused = await Assert.ThrowsAsync<LicensingException>(() => new WebhookVerifier(_client).VerifyAsync(headers, _delivery.Body));

        Assert.Equal("The signature does not verify: the body was altered or not signed by this server.", refused.Message);
    }

    [Fact]
    public async Task A_delivery_whose_event_id_header_names_another_event_is_refused()
    {
        var headers = Headers(_delivery);
        headers[WebhookVerifier.EventIdHeader] = "evt_another";

        var refused = await Assert.ThrowsAsync<LicensingException>(() => new WebhookVerifier(_client).VerifyAsync(headers, _delivery.Body));

        Assert.Equal("The body's event id does not match the Licensing-Event-Id header.", refused.Message);
    }

    private static Dictionary<string, string> Headers(ReceivedDelivery delivery) => new(StringComparer.OrdinalIgnoreCase)
    {
        [WebhookVerifier.EventIdHeader] = delivery.EventId,
        [WebhookVerifier.TimestampHeader] = delivery.Timestamp,
        [WebhookVerifier.SignatureHeader] = delivery.Signature,
    };
}
