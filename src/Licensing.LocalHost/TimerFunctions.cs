namespace Licensing.LocalHost;

/// <summary>Runs the app's [TimerTrigger] functions on their schedules, resolving <c>%Setting%</c> from configuration.</summary>
public sealed partial class TimerFunctions(
    IServiceProvider services,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<TimerFunctions> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Api.FunctionRoutes.DiscoverTimers(typeof(Wiring).Assembly)
            .Select(t => RunScheduleAsync(t.Name, t.Type, t.Method, t.Schedule, stoppingToken)));

    public static string ResolveSchedule(string schedule, IConfiguration configuration) =>
        schedule.Length > 2 && schedule.StartsWith('%') && schedule.EndsWith('%')
            ? configuration[schedule[1..^1]] ?? throw new InvalidOperationException($"The timer schedule setting {schedule[1..^1]} is not set.")
            : schedule;

    private async Task RunScheduleAsync(string name, Type type, MethodInfo method, string schedule, CancellationToken ct)
    {
        var cron = CronExpression.Parse(ResolveSchedule(schedule, configuration), CronFormat.IncludeSeconds);
        while (!ct.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var next = cron.GetNextOccurrence(now.UtcDateTime) ?? DateTime.MaxValue;
            try
            {
                await Task.Delay(next - now.UtcDateTime, clock, ct).ConfigureAwait(false);
                await using var scope = services.CreateAsyncScope();
                var arguments = method.GetParameters()
                    .Select(p => p.ParameterType == typeof(CancellationToken) ? ct : (object)new TimerInfo())
                    .ToArray();
                await FunctionInvoker.InvokeAsync(type, method, arguments, scope.ServiceProvider).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex, name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer function {Name} failed")]
    private static partial void LogFailed(ILogger logger, Exception ex, string name);
}
