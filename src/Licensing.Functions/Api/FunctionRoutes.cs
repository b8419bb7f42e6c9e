using System.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker;

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
        (from type in assembly.GetExportedTypes()
         from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
         let function = method.GetCustomAttribute<FunctionAttribute>()
         where function is not null
         from parameter in method.GetParameters()
         let trigger = parameter.GetCustomAttribute<HttpTriggerAttribute>()
         where trigger is not null
         select new HttpFunction(function.Name, type, method, trigger.Route ?? function.Name, trigger.Methods ?? []))
        .ToArray();

    /// <summary>Every timer function: its class, method and schedule expression.</summary>
    public static IReadOnlyList<(string Name, Type Type, MethodInfo Method, string Schedule)> DiscoverTimers(Assembly assembly) =>
        (from type in assembly.GetExportedTypes()
         from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
         let function = method.GetCustomAttribute<FunctionAttribute>()
         where function is not null
         from parameter in method.GetParameters()
         let trigger = parameter.GetCustomAttribute<TimerTriggerAttribute>()
         where trigger is not null
         select (function.Name, type, method, trigger.Schedule))
        .ToArray();
}
