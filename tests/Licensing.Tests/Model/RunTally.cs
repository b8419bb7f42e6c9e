using System.Collections.Concurrent;
using System.Text;

namespace Licensing.Tests.Model;

/// <summary>What a run exercised: operations, sequences, and how often each outcome came up.</summary>
public sealed class RunTally
{
    private readonly ConcurrentDictionary<string, long> _outcomes = new(StringComparer.Ordinal);
    private long _operations;
    private long _sequences;

    public long Operations => Interlocked.Read(ref _operations);

    public long Sequences => Interlocked.Read(ref _sequences);

    public void Step() => Interlocked.Increment(ref _operations);

    public void SequenceDone() => Interlocked.Increment(ref _sequences);

    public void Count(string outcome, long by = 1)
    {
        if (by != 0)
        {
            _outcomes.AddOrUpdate(outcome, by, (_, n) => n + by);
        }
    }

    public long this[string outcome] => _outcomes.GetValueOrDefault(outcome);

    public string Summary()
    {
        var text = new StringBuilder();
        text.AppendLine($"{Operations:N0} operations in {Sequences:N0} sequences");
        foreach (var (outcome, count) in _outcomes.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            text.AppendLine($"  {outcome,-48} {count,7:N0}");
        }

        return text.ToString();
    }
}

/// <summary>The server answered otherwise than the model says CONTRACT.md requires.</summary>
public sealed class ModelMismatchException(string message) : Exception(message);
