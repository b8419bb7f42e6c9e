namespace Licensing.Api;

/// <summary>An HTTP function as its own attributes declare it: the one route table, read by both hosts.</summary>
public sealed record HttpFunction(string Name, Type Type, MethodInfo Method, string Route, IReadOnlyList<string> Methods)
{
    private readonly TemplateMatcher _matcher = new(TemplateParser.Parse(Route), new RouteValueDictionary());

    public bool Matches(string path) => _matcher.TryMatch(path, new RouteValueDictionary());
}

public static class FunctionRoutes
{
    /// <summary>Every [Function] method with an [HttpTrigger] parameter in the assembly.</summary>
    public static IReadOnlyList<HttpFunction> Discover(Assembly assembly) =>
        Triggered<HttpTriggerAttribute>(assembly)
            .Select(f => new HttpFunction(f.Name, f.Type, f.Method, f.Trigger.Route ?? f.Name, f.Trigger.Methods ?? []))
            .ToArray();

    /// <summary>Every timer function: its class, method and schedule expression.</summary>
    public static IReadOnlyList<(string Name, Type Type, MethodInfo Method, string Schedule)> DiscoverTimers(Assembly assembly) =>
        Triggered<TimerTriggerAttribute>(assembly).Select(f => (f.Name, f.Type, f.Method, f.Trigger.Schedule)).ToArray();

    private static IEnumerable<(string Name, Type Type, MethodInfo Method, TTrigger Trigger)> Triggered<TTrigger>(Assembly assembly)
        where TTrigger : Attribute =>
        from type in assembly.GetExportedTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
        let function = method.GetCustomAttribute<FunctionAttribute>()
        where function is not null
        from parameter in method.GetParameters()
        let trigger = parameter.GetCustomAttribute<TTrigger>()
        where trigger is not null
        select (function.Name, type, method, trigger);
}
