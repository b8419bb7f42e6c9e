namespace Licensing.Settings;

/// <summary>
/// Runs a built host, the Functions worker and the local host alike, once its settings pass their checks. A bad or
/// missing setting is the operator's to fix, so it stops the program before the host starts with one line naming it on
/// stderr and exit code 1 (a host whose start fails logs "Hosting failed to start" with a stack trace first). Any other
/// fault keeps its stack trace.
/// </summary>
public static class SettingsGate
{
    public const string CannotStart = "licensing: cannot start: ";

    public static async Task<int> RunAsync(IHost host, TextWriter error)
    {
        if (Failures(host.Services) is { } failures)
        {
            await error.WriteLineAsync(CannotStart + failures).ConfigureAwait(false);
            return 1;
        }

        await host.RunAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>What the settings checked at start (<c>ValidateOnStart</c>) say is wrong, or null when nothing is.</summary>
    private static string? Failures(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return null;
        }
        catch (OptionsValidationException ex)
        {
            return string.Join(" ", ex.Failures);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException))
        {
            return string.Join(" ", ex.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures));
        }
    }
}
