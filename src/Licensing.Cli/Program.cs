// licensing: the command line of the licensing server. This file only puts the command tree together; each
// *Commands.cs declares its options and commands, Runner.cs parses and maps failures to exit codes, CommandHelp.cs
// prints the help generated from the tree.

RootCommand root = new("licensing: manage licenses, API keys and webhooks on a licensing server, and try its client calls by hand.")
{
    LicenseCommands.Group(),
    PolicyCommands.Group(),
    KeyCommands.Group(),
    WebhookCommands.Group(),
    OfflineCommands.Group(),
    BackupCommands.Group(),
};
foreach (var command in ClientCommands.All())
{
    root.Subcommands.Add(command);
}

return await Runner.RunAsync(root, args, Console.Out, Console.Error);
