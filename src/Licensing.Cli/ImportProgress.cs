namespace Licensing.Cli;

/// <summary>
/// The progress of an import: on a terminal a bar redrawn in place with the rate and the time left; otherwise a plain
/// line every <see cref="LineEvery"/> rows, for logs.
/// </summary>
internal sealed class ImportProgress(TextWriter output, bool terminal, int total, TimeProvider clock)
{
    private const int LineEvery = 1000;
    private const int BarWidth = 30;

    private readonly long _started = clock.GetTimestamp();
    private readonly object _gate = new();
    private int _done;
    private double _drawnAt = -1000;

    private TimeSpan Elapsed => clock.GetElapsedTime(_started);

    public void Advance()
    {
        lock (_gate)
        {
            _done++;
            if (terminal)
            {
                if (_done == total || Elapsed.TotalMilliseconds - _drawnAt >= 100)
                {
                    _drawnAt = Elapsed.TotalMilliseconds;
                    var filled = total == 0 ? BarWidth : _done * BarWidth / total;
                    output.Write($"\r[{new string('#', filled)}{new string('.', BarWidth - filled)}] {Describe()}");
                    output.Flush();
                }
            }
            else if (_done % LineEvery == 0 || _done == total)
            {
                output.WriteLine($"import: {Describe()}");
            }
        }
    }

    /// <summary>Ends the bar's line on a terminal.</summary>
    public void Finish()
    {
        if (terminal && total > 0)
        {
            output.WriteLine();
        }
    }

    private string Describe()
    {
        var seconds = Math.Max(Elapsed.TotalSeconds, 0.001);
        var rate = _done / seconds;
        var left = rate > 0 ? TimeSpan.FromSeconds(Math.Ceiling((total - _done) / rate)) : TimeSpan.Zero;
        return $"{_done}/{total} rows, {rate:0} rows/s, {left:hh\\:mm\\:ss} left";
    }
}
