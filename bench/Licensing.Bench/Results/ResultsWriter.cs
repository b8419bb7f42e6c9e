using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Licensing.Bench.Results;

/// <summary>Writes a report as JSON and as a markdown table, side by side, named by date and scenario.</summary>
public static class ResultsWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes both files; returns their paths (JSON, markdown).</summary>
    public static (string Json, string Markdown) Write(BenchReport report, string folder, string scenario)
    {
        Directory.CreateDirectory(folder);
        var stem = Path.Combine(folder, $"bench-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{scenario.Replace(',', '+')}");
        var jsonPath = stem + ".json";
        var markdownPath = stem + ".md";
        File.WriteAllText(jsonPath, JsonSerializer.Serialize(report, Json));
        File.WriteAllText(markdownPath, Markdown(report));
        return (jsonPath, markdownPath);
    }

    public static BenchReport Read(string path) =>
        JsonSerializer.Deserialize<BenchReport>(File.ReadAllText(path), Json) ?? throw new InvalidDataException(path + " holds no report");

    public static string Markdown(BenchReport report)
    {
        var md = new StringBuilder();
        var m = report.Machine;
        Line(md, $"# Licensing bench: {report.Command}");
        md.AppendLine();
        Line(md, $"{m.Date} · {m.Cores} cores · {m.DotNet} · {m.Os} · Azurite {m.Azurite} ({(report.Runs.Any(r => r.Scenario == "soak") ? "the soak's on disk, stopped and restarted" : "in memory")}) · server in-process on Kestrel, clients over HTTP on 127.0.0.1 · load average {m.LoadAverage}{(report.Smoke ? " · **smoke sizes**" : "")}");
        md.AppendLine();
        if (report.Headlines.Count > 0)
        {
            md.AppendLine("| headline | value | target | met |");
            md.AppendLine("|---|---|---|---|");
            foreach (var h in report.Headlines)
            {
                Line(md, $"| {h.Name} | {h.Value} | {h.Target} | {(h.Met is { } met ? met ? "yes" : "**no**" : h.Detail ?? "–")} |");
            }

            md.AppendLine();
        }

        md.AppendLine("| run | endpoint | calls | calls/s | p50 ms | p95 ms | p99 ms | max ms | errors | storage RT/call | ETag retries |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|");
        foreach (var run in report.Runs)
        {
            foreach (var e in run.Endpoints)
            {
                var errors = e.Errors.Count == 0 ? "0" : string.Join(", ", e.Errors.Select(x => $"{x.Key}: {x.Value}"));
                var rt = e.Storage is { } s ? s.RoundTripsPerCall.ToString("0.00", CultureInfo.InvariantCulture) : "–";
                var races = e.Storage is { } r ? r.LostEtagRaces.ToString(CultureInfo.InvariantCulture) : "–";
                Line(md, $"| {run.Label} | {e.Name} | {e.Requests:N0} | {e.RequestsPerSecond:N1} | {e.LatencyMs.P50:0.00} | {e.LatencyMs.P95:0.00} | {e.LatencyMs.P99:0.00} | {e.LatencyMs.Max:0.00} | {errors} | {rt} | {races} |");
            }
        }

        md.AppendLine();
        foreach (var run in report.Runs.Where(r => r.Metrics.Count > 0 || r.Notes.Count > 0 || r.Endpoints.Any(e => e.Outcomes.Count > 0)))
        {
            var details = run.Metrics.Select(x => Text($"{x.Key} {x.Value:0.###}"))
                .Concat(run.Endpoints.Where(e => e.Outcomes.Count > 0)
                    .Select(e => $"{e.Name} outcomes " + string.Join(", ", e.Outcomes.Select(o => Text($"{o.Key} {o.Value:N0}")))))
                .Concat(run.Notes);
            Line(md, $"- **{run.Label}** ({run.Seconds:0.0} s, {run.Operations:N0} operations, {run.OperationsPerSecond:N1}/s): {string.Join("; ", details)}");
        }

        return md.ToString();
    }

    private static void Line(StringBuilder md, FormattableString text) => md.AppendLine(Text(text));

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
