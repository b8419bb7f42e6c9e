namespace Licensing.Cli;

/// <summary><c>licensing keys ...</c>: the admin API's API keys.</summary>
internal static class KeyCommands
{
    public static async Task<int> CreateAsync(Session s)
    {
        var name = s.Args.Required("--name");
        var scope = s.Args.OneOf("--scope", "client", "admin") ?? throw new UsageException("option '--scope' is required");
        var created = await s.Admin().CreateApiKeyAsync(name, scope, s.Args.Value("--product"));
        if (s.Out.Json)
        {
            s.Out.Document(created);
            return 0;
        }

        // The new key is the point of this command: the server shows it only in this answer.
        s.Out.Fields(
        [
            ("id", created.Id),
            ("name", created.Name),
            ("scope", created.Scope),
            ("productId", created.ProductId),
            ("createdAt", created.CreatedAt),
            ("key", created.Key),
        ]);
        s.Out.Out.WriteLine();
        s.Out.Out.WriteLine("Store the key now: the server keeps only its hash and will not show it again.");
        return 0;
    }

    public static async Task<int> ListAsync(Session s)
    {
        var keys = await s.Admin().ListApiKeysAsync();
        if (s.Out.Json)
        {
            s.Out.Document(keys);
            return 0;
        }

        s.Out.Table(
            ["ID", "NAME", "SCOPE", "PRODUCT", "CREATED"],
            keys.Items.Select(k => new object?[] { k.Id, k.Name, k.Scope, k.ProductId, k.CreatedAt }));
        return 0;
    }

    public static async Task<int> DeleteAsync(Session s)
    {
        var id = s.Parameters[0];
        await s.Admin().DeleteApiKeyAsync(id);
        if (s.Out.Json)
        {
            s.Out.Document(new { id, deleted = true });
        }
        else
        {
            s.Out.Out.WriteLine($"Deleted API key {id}.");
        }

        return 0;
    }
}
