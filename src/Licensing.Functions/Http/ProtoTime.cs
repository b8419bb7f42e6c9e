namespace Licensing.Http;

/// <summary>The protobuf Timestamp shape of the reference: Unix seconds (UTC) and nanos.</summary>
public sealed record Timestamp(long Seconds, int Nanos)
{
    public static Timestamp From(DateTimeOffset at)
    {
        var ticks = at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }

        return new Timestamp(seconds, (int)(remainder * 100));
    }

    public static Timestamp? From(DateTimeOffset? at) => at is { } value ? From(value) : null;

    public DateTimeOffset ToDateTimeOffset() => DateTimeOffset.UnixEpoch.AddTicks(checked((Seconds * TimeSpan.TicksPerSecond) + (Nanos / 100)));
}

/// <summary>The protobuf Duration shape: seconds and nanos.</summary>
public sealed record Duration(long Seconds, int Nanos)
{
    public static Duration From(TimeSpan span) =>
        new(span.Ticks / TimeSpan.TicksPerSecond, (int)(span.Ticks % TimeSpan.TicksPerSecond * 100));

    public static Duration? From(TimeSpan? span) => span is { } value ? From(value) : null;

    public TimeSpan ToTimeSpan() => TimeSpan.FromTicks(checked((Seconds * TimeSpan.TicksPerSecond) + (Nanos / 100)));
}
