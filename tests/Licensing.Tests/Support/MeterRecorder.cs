using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Licensing.Telemetry;

namespace Licensing.Tests.Support;

/// <summary>One measurement of the app's meter: the instrument, the value and its tags as text.</summary>
public sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, string> Tags)
{
    public bool Has(params (string Name, string Value)[] tags) => tags.All(t => Tags.TryGetValue(t.Name, out var v) && v == t.Value);
}

/// <summary>
/// An in-process <see cref="MeterListener"/> on the <see cref="LicensingMetrics"/> meter of one server only (the meter
/// its own <see cref="IMeterFactory"/> made), so servers of other tests running at the same time do not count.
/// </summary>
public sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measured> _measured = new();

    public MeterRecorder(IMeterFactory server)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == LicensingMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, server))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public IReadOnlyList<Measured> All => _measured.ToList();

    /// <summary>The sum of an instrument's measurements whose tags include all of <paramref name="tags"/>.</summary>
    public double Sum(string instrument, params (string Name, string Value)[] tags) =>
        All.Where(m => m.Instrument == instrument && m.Has(tags)).Sum(m => m.Value);

    /// <summary>How many measurements an instrument took with those tags (for histograms: how many recordings).</summary>
    public int Count(string instrument, params (string Name, string Value)[] tags) =>
        All.Count(m => m.Instrument == instrument && m.Has(tags));

    public void Clear() => _measured.Clear();

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            text[tag.Key] = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
        }

        _measured.Enqueue(new Measured(instrument.Name, value, text));
    }
}
