// licensing: the command line of the licensing server. This file only wires each command to its handler;
// Runner.cs dispatches and maps failures to exit codes, Help.cs prints the usage text.
using Licensing.Cli;

const string LicensesGroup = "Licenses (admin key)";
const string KeysGroup = "API keys (admin key)";
const string ClientGroup = "Client calls, to try a license by hand (client key)";
const string ByUserKey = "--user-key KEY --machine-id ID [--client-id ID] [--client-name NAME]";
const string ByToken = "--token TOKEN --machine-id ID [--client-id ID]";

Command[] commands =
[
    new(LicensesGroup, "licenses create", [],
        "--mode floating|activation|file --seats N [--product ID] [--expires DATE] [--support-expires DATE] [--heartbeat SECONDS] [--customer NAME] [--feature F]... [--user-key KEY]",
        "Create a license. Without --user-key the server generates one.", LicenseCommands.CreateAsync),
    new(LicensesGroup, "licenses list", [], "[--page-size N] [--all]",
        "List licenses, one page; --all follows the pages to the end.", LicenseCommands.ListAsync),
    new(LicensesGroup, "licenses show", ["ID"], "",
        "Show a license and its seats.", LicenseCommands.ShowAsync),
    new(LicensesGroup, "licenses update", ["ID"],
        "[--seats N] [--expires DATE] [--support-expires DATE] [--heartbeat SECONDS] [--customer NAME] [--feature F]... [--suspend|--resume] [--revoke|--unrevoke]",
        "Change a license; --feature replaces the features.", LicenseCommands.UpdateAsync),
    new(LicensesGroup, "licenses delete", ["ID"], "",
        "Delete a license; its tokens stop working at once.", LicenseCommands.DeleteAsync),
    new(LicensesGroup, "licenses events", ["ID"], "[--page-size N] [--all]",
        "Show a license's audit trail, newest first (also of a deleted license).", LicenseCommands.EventsAsync),
    new(LicensesGroup, "licenses revoke-token", ["ID", "TOKEN"], "",
        "End one seat now; TOKEN is its public id (as show lists it) or its bearer token.", LicenseCommands.RevokeTokenAsync),

    new(KeysGroup, "keys create", [], "--name NAME --scope client|admin [--product ID]",
        "Create an API key; the key is shown only in this answer.", KeyCommands.CreateAsync),
    new(KeysGroup, "keys list", [], "",
        "List API keys (without their secrets).", KeyCommands.ListAsync),
    new(KeysGroup, "keys delete", ["ID"], "",
        "Delete an API key.", KeyCommands.DeleteAsync),

    new(ClientGroup, "activate", [], ByUserKey, "Activate a machine on an activation license.", ClientCommands.ActivateAsync),
    new(ClientGroup, "deactivate", [], ByUserKey, "Remove a machine's activation.", ClientCommands.DeactivateAsync),
    new(ClientGroup, "request", [], ByUserKey, "Check out a floating seat; prints its token.", ClientCommands.RequestAsync),
    new(ClientGroup, "heartbeat", [], ByToken, "Keep a floating seat alive.", ClientCommands.HeartbeatAsync),
    new(ClientGroup, "release", [], ByToken, "Give a floating seat back.", ClientCommands.ReleaseAsync),
    new(ClientGroup, "validate", [], ByUserKey, "Check that the license is usable now by this machine.", ClientCommands.ValidateAsync),
    new(ClientGroup, "info", [], ByUserKey, "Show the license and who holds its seats.", ClientCommands.InfoAsync),
    new(ClientGroup, "jwks", [], "", "Show the server's public signing keys (no key needed).", ClientCommands.JwksAsync),
];

return await Runner.RunAsync(commands, args, Console.Out, Console.Error);
