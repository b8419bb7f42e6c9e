namespace Licensing.Cli;

/// <summary><c>licensing keys ...</c>: the admin API's API keys.</summary>
internal static class KeyCommands
{
    private static readonly Argument<string> KeyId = new("ID") { Description = "the API key's id, as list shows it" };

    private static readonly Option<string> Name = new("--name")
    {
        HelpName = "NAME", Description = "what the key is for, e.g. the app that uses it", Required = true, CustomParser = ValueParsers.NonEmpty,
    };

    private static readonly Option<string> Scope = new("--scope")
    {
        HelpName = "client|admin", Description = "client: the client calls; admin: the admin API too", Required = true,
        CustomParser = value => ValueParsers.OneOf(value, "client", "admin"),
    };

    private static readonly Option<string> Product = new("--product")
    {
        HelpName = "ID", Description = "a client key that acts only on this product's licenses",
    };

    public static Command Group() => new("keys", "API keys (admin key)")
    {
        new Command("create", "Create an API key; the key is shown only in this answer.") { Name, Scope, Product }.Runs(CreateAsync),
        new Command("list", "List API keys (without their secrets).").Runs(ListAsync),
        new Command("delete", "Delete an API key.") { KeyId }.Runs(DeleteAsync),
    };

    private static async Task<int> CreateAsync(Session s)
    {
        var created = await s.Admin().CreateApiKeyAsync(s.Required(Name), s.Required(Scope), s.Get(Product));
        if (s.Out.Json)
        {
            s.PrintAnswer();
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

    private static async Task<int> ListAsync(Session s)
    {
        var keys = await s.Admin().ListApiKeysAsync();
        return s.ShowTable(
            ["ID", "NAME", "SCOPE", "PRODUCT", "CREATED"],
            keys.Items.Select(k => new object?[] { k.Id, k.Name, k.Scope, k.ProductId, k.CreatedAt }));
    }

    private static async Task<int> DeleteAsync(Session s)
    {
        var id = s.Required(KeyId);
        await s.Admin().DeleteApiKeyAsync(id);
        return s.ShowDeleted("id", id, "API key");
    }
}
