namespace Licensing.Cli;

/// <summary>The option licenses and policies share for the customer portal: whether the license's owner may sign in.</summary>
internal static class PortalOption
{
    public static readonly Option<string> Portal = new("--portal")
    {
        HelpName = "on|off", Description = "whether the license's owner may sign in to the customer portal (default: the policy's, else on)",
        CustomParser = value => ValueParsers.OneOf(value, "on", "off"),
    };

    /// <summary>The portal as the command line set it: on, off, or (not given) unchanged.</summary>
    public static bool? ValueOf(Session s) => s.Get(Portal) switch
    {
        "on" => true,
        "off" => false,
        _ => null,
    };

    /// <summary>The portal as show prints it.</summary>
    public static (string Key, object? Value) Field(bool portal) => ("portal", portal ? "on" : "off");
}
