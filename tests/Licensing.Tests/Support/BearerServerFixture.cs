namespace Licensing.Tests.Support;

/// <summary>A test issuer over real HTTP and a server that takes its tokens on admin calls.</summary>
public sealed class BearerServerFixture : IAsyncLifetime
{
    public TestIssuer Issuer { get; private set; } = null!;

    public ServerFixture Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        Server = await ServerFixture.StartAsync(Issuer.Configure);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}
