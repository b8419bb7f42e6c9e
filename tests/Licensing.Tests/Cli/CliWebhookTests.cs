using System.Text.Json;
using Licensing.Tests.Support;
using Licensing.Tests.Webhooks;

namespace Licensing.Tests.Cli;

/// <summary><c>licensing webhooks ...</c>, run as a real process against a server whose webhooks may reach a loopback receiver.</summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class CliWebhookTests : WebhookHarness
{
    private static readonly string CliDll = Path.Combine(
        RepoPaths.Root, "src", "Licensing.Cli", "bin", RepoPaths.Configuration, "net10.0", "Licensing.Cli.dll");

    [Fact]
    public async Task Webhooks_create_list_show_update_ping_deliveries_redeliver_and_delete_work_from_the_command_line()
    {
        var created = await AdminAsync("webhooks", "create", "--target", Receiver.Url(), "--event", "seat.*", "--event", "license.created", "--json");
        var id = JsonDocument.Parse(created.StdOut).RootElement.GetProperty("id").GetString()!;
        var list = await AdminAsync("webhooks", "list");
        var updated = await AdminAsync("webhooks", "update", id, "--event", "*");
        var shown = await AdminAsync("webhooks", "show", id);
        var ping = await AdminAsync("webhooks", "ping", id);
        Receiver.AnswerNext(500);
        await Server.RunDispatcherAsync();
        var deliveries = await AdminAsync("webhooks", "deliveries", id, "--json");
        var deliveryId = JsonDocument.Parse(deliveries.StdOut).RootElement.GetProperty("items")[0].GetProperty("id").GetString()!;
        var redelivered = await AdminAsync("webhooks", "redeliver", id, deliveryId);
        await Server.RunDispatcherAsync();
        var table = await AdminAsync("webhooks", "deliveries", id);
        var deleted = await AdminAsync("webhooks", "delete", id);

        Assert.Contains(list.StdOut.Split('\n'), line => line.StartsWith(id, StringComparison.Ordinal) && line.Contains("seat.*,license.created", StringComparison.Ordinal));
        Assert.Equal("*", FieldOf(updated, "events"));
        Assert.Equal((id, Receiver.Url(), "*", "true"), (FieldOf(shown, "id"), FieldOf(shown, "url"), FieldOf(shown, "events"), FieldOf(shown, "enabled")));
        Assert.Equal(("webhook.ping", "pending", "1"), (FieldOf(ping, "type"), FieldOf(ping, "state"), FieldOf(ping, "attempt")));
        Assert.Equal((deliveryId, "2"), (FieldOf(redelivered, "delivery"), FieldOf(redelivered, "attempt")));
        var rows = table.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, rows.Length);
        Assert.StartsWith("DELIVERY", rows[0], StringComparison.Ordinal);
        Assert.Contains("delivered", rows[1], StringComparison.Ordinal);
        Assert.Contains("retrying", rows[2], StringComparison.Ordinal);
        Assert.Equal(2, Receiver.Received.Count);
        Assert.Contains(id, deleted.StdOut, StringComparison.Ordinal);
    }

    private async Task<ProcessResult> AdminAsync(params string[] args)
    {
        var result = await ProcessRun.RunAsync("dotnet", [CliDll, .. args, "--url", Server.Http.BaseAddress!.ToString(), "--api-key", ServerFixture.AdminKey],
            environment: new Dictionary<string, string> { ["LICENSING_URL"] = "", ["LICENSING_API_KEY"] = "", ["DOTNET_NOLOGO"] = "1" });
        Assert.True(result.ExitCode == 0, $"licensing {string.Join(' ', args)}: {result}");
        return result;
    }

    private static string FieldOf(ProcessResult result, string key)
    {
        var line = result.StdOut.Split('\n').FirstOrDefault(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        Assert.True(line is not null, $"no '{key}:' line in:\n{result}");
        return line[(key.Length + 1)..].Trim();
    }
}
