namespace Licensing.LocalHost;

/// <summary>Runs a function method as the isolated worker would: a new instance from DI, parameters bound by kind and name.</summary>
public static class FunctionInvoker
{
    public static void EnsureBindable(MethodInfo method)
    {
        foreach (var parameter in method.GetParameters())
        {
            if (parameter.ParameterType != typeof(HttpRequest)
                && parameter.ParameterType != typeof(CancellationToken)
                && parameter.ParameterType != typeof(string)
                && parameter.ParameterType != typeof(Microsoft.Azure.Functions.Worker.TimerInfo))
            {
                throw new InvalidOperationException(
                    $"{method.DeclaringType?.Name}.{method.Name}: the local host cannot bind parameter '{parameter.Name}' of type {parameter.ParameterType.Name}.");
            }
        }
    }

    public static async Task InvokeHttpAsync(HttpFunction function, HttpContext context)
    {
        var arguments = function.Method.GetParameters().Select(p => p.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => context.Request,
            var t when t == typeof(CancellationToken) => context.RequestAborted,
            _ => (object?)context.Request.RouteValues[p.Name!]?.ToString(),
        }).ToArray();
        var result = await InvokeAsync(function.Type, function.Method, arguments, context.RequestServices).ConfigureAwait(false);
        if (result is IActionResult action)
        {
            await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor())).ConfigureAwait(false);
        }
    }

    public static async Task<object?> InvokeAsync(Type type, MethodInfo method, object?[] arguments, IServiceProvider services)
    {
        var instance = ActivatorUtilities.CreateInstance(services, type);
        var returned = method.Invoke(instance, arguments);
        switch (returned)
        {
            case Task<IActionResult> withResult:
                return await withResult.ConfigureAwait(false);
            case Task task:
                await task.ConfigureAwait(false);
                return null;
            default:
                return returned;
        }
    }
}
