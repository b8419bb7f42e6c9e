using Licensing.LocalHost;
using Microsoft.Extensions.Options;

try
{
    await using var app = LocalFunctionsHost.Build(args);
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    // A bad or missing setting: one line naming it, not a stack trace.
    await Console.Error.WriteLineAsync("licensing: cannot start: " + string.Join(" ", ex.Failures));
    return 1;
}
