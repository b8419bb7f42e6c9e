namespace Licensing.Cli;

/// <summary>How the help and the usage errors name and walk the command tree.</summary>
internal static class CommandTree
{
    /// <summary>A command's name as typed after <c>licensing</c>: <c>licenses create</c>; "" for the root.</summary>
    public static string Path(Command command) => string.Join(' ', Lineage(command).Reverse().Skip(1).Select(c => c.Name));

    /// <summary>True for the root and the groups (<c>licenses</c>, <c>keys</c>): they only name the commands beneath them.</summary>
    public static bool IsGroup(Command command) => Shown(command).Any();

    /// <summary>The commands beneath <paramref name="command"/> that the help shows.</summary>
    public static IEnumerable<Command> Shown(Command command) => command.Subcommands.Where(c => !c.Hidden);

    /// <summary>Every command that runs something, beneath <paramref name="command"/> (itself, if it runs something), in the tree's order.</summary>
    public static IEnumerable<Command> Leaves(Command command) => IsGroup(command) ? Shown(command).SelectMany(Leaves) : [command];

    /// <summary>Every option of <paramref name="command"/> and the commands beneath it, by each of its names.</summary>
    public static ILookup<string, Option> Options(Command command) =>
        OptionsBeneath(command).SelectMany(o => o.Aliases.Prepend(o.Name).Select(name => (Name: name, Option: o)))
            .ToLookup(n => n.Name, n => n.Option, StringComparer.Ordinal);

    /// <summary>An option that takes no value: <c>--json</c>, <c>--all</c>, <c>--help</c>.</summary>
    public static bool IsFlag(Option option) => option.Arity.MaximumNumberOfValues == 0 || option.ValueType == typeof(bool);

    private static IEnumerable<Option> OptionsBeneath(Command command) => command.Options.Concat(command.Subcommands.SelectMany(OptionsBeneath));

    private static IEnumerable<Command> Lineage(Command command)
    {
        for (Command? current = command; current is not null; current = current.Parents.OfType<Command>().FirstOrDefault())
        {
            yield return current;
        }
    }
}
