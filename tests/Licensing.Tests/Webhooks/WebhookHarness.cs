using Licensing.Tests.Support;

namespace Licensing.Tests.Webhooks;

/// <summary>Each test's own server (whose webhooks may reach loopback) and a receiver on loopback, started and stopped with it.</summary>
public abstract class WebhookHarness : IAsyncLifetime
{
    /// <summary>A test may stop it and start another on the same tables (a restart); the harness stops whichever is last.</summary>
    protected ServerFixture Server { get; set; } = null!;

    protected WebhookReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await WebhookServer.StartAsync();
        Receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Receiver.DisposeAsync();
        await Server.DisposeAsync();
    }
}
