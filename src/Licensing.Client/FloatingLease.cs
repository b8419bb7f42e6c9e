namespace Licensing.Client;

public enum LeaseState
{
    /// <summary>The seat is held and heartbeats keep it.</summary>
    Active,

    /// <summary>The seat is gone: revoked, lapsed, released elsewhere or the license changed. See LostReason.</summary>
    Lost,

    /// <summary>The app gave the seat back (DisposeAsync, or ReturnAsync after a borrow).</summary>
    Released,

    /// <summary>The seat is borrowed for offline work: no heartbeats until <see cref="FloatingLease.TokenExpireAt"/>.</summary>
    Borrowed,
}

/// <summary>How a lease heartbeats.</summary>
public sealed class LeaseOptions
{
    /// <summary>Heartbeats come this fraction of the interval early at most, at random, so clients spread out.</summary>
    public double Jitter { get; set; } = 0.1;

    /// <summary>The first pause after a failed heartbeat; it doubles on each failure, up to a quarter of the interval.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);
}

public sealed class LeaseLostEventArgs : EventArgs
{
    public LeaseLostEventArgs(LicenseReason reason, string message)
    {
        Reason = reason;
        Message = message;
    }

    public LicenseReason Reason { get; }
    public string Message { get; }
}

/// <summary>
/// A floating seat that keeps itself: it heartbeats in the background at the server's interval (a little early,
/// with jitter), retries failed heartbeats with backoff while the lease has not lapsed, raises <see cref="Lost"/>
/// and flips <see cref="State"/> when the seat is gone, and releases the seat on <see cref="DisposeAsync"/>.
/// </summary>
public sealed class FloatingLease : IAsyncDisposable
{
    private readonly LicensingClient _client;
    private readonly ClientIdentity _identity;
    private readonly LeaseOptions _options;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly Random _random = new();
    private readonly object _gate = new();
    private Task _loop = Task.CompletedTask;
    private LeaseState _state = LeaseState.Active;

    private FloatingLease(LicensingClient client, ClientIdentity identity, RequestLicenseResponse granted, LeaseOptions options, TimeProvider clock)
    {
        _client = client;
        _identity = identity;
        _options = options;
        _clock = clock;
        _licenseToken = granted.LicenseToken!;
        LicenseId = granted.License?.LicenseId ?? "";
        License = granted.License;
        TokenExpireAt = granted.TokenExpireAt!.Value;
        HeartbeatInterval = granted.HeartbeatInterval!.Value;
    }

    /// <summary>Raised once, from the background loop, when the seat is lost. Exceptions of handlers are ignored.</summary>
    public event EventHandler<LeaseLostEventArgs>? Lost;

    /// <summary>The lease's token; after <see cref="BorrowAsync"/>, the borrowed one (good offline until <see cref="TokenExpireAt"/>).</summary>
    public string LicenseToken
    {
        get { lock (_gate) { return _licenseToken; } }
    }

    private string _licenseToken;
    public string LicenseId { get; }
    public LicenseSummary? License { get; }
    private TimeSpan _heartbeatInterval;
    private DateTimeOffset _tokenExpireAt;
    private int _heartbeats;

    public TimeSpan HeartbeatInterval
    {
        get { lock (_gate) { return _heartbeatInterval; } }
        private set { lock (_gate) { _heartbeatInterval = value; } }
    }

    /// <summary>When the lease lapses unless a heartbeat comes first.</summary>
    public DateTimeOffset TokenExpireAt
    {
        get { lock (_gate) { return _tokenExpireAt; } }
        private set { lock (_gate) { _tokenExpireAt = value; } }
    }

    public LeaseState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public LicenseReason? LostReason { get; private set; }
    public string? LostMessage { get; private set; }

    /// <summary>Heartbeats that reached the server and kept the lease.</summary>
    public int Heartbeats => Volatile.Read(ref _heartbeats);

    internal static FloatingLease Start(LicensingClient client, ClientIdentity identity, RequestLicenseResponse granted, LeaseOptions options, TimeProvider clock)
    {
        var lease = new FloatingLease(client, identity, granted, options, clock);
        lease._loop = Task.Run(() => lease.HeartbeatLoopAsync(lease._stop.Token));
        return lease;
    }

    /// <summary>
    /// Borrows the seat for offline work: the server keeps it without heartbeats for <paramref name="borrowFor"/> (at
    /// most the license's <c>maxBorrowDuration</c>), this lease stops heartbeating and its <see cref="LicenseToken"/>
    /// becomes the borrowed token, also saved to <paramref name="offlineCache"/> when given
    /// (<see cref="OfflineLicenseCache.TryLoadToken"/> serves it with no network until it expires). Disposing a borrowed
    /// lease keeps the borrow; <see cref="ReturnAsync"/> gives the seat back early. Throws <see cref="LicensingException"/>
    /// of kind <see cref="LicensingErrorKind.Denied"/> (e.g. <see cref="LicenseReason.BorrowNotAllowed"/>) when the server
    /// refuses: the lease then goes on heartbeating.
    /// </summary>
    /// <returns>When the borrow ends.</returns>
    public async Task<DateTimeOffset> BorrowAsync(TimeSpan borrowFor, OfflineLicenseCache? offlineCache = null, CancellationToken cancellationToken = default)
    {
        if (State != LeaseState.Active)
        {
            throw new InvalidOperationException($"Only an active lease can be borrowed; this one is {State}.");
        }

        var answer = await _client.BorrowAsync(LicenseToken, _identity.MachineId, borrowFor, _identity.ClientId, cancellationToken).ConfigureAwait(false);
        if (!answer.Borrowed || answer.LicenseToken is null || answer.TokenExpireAt is null)
        {
            throw LicensingException.Denied(answer.Reason ?? LicenseReason.Unknown, answer.ReasonCode, answer.Message ?? "The seat was not borrowed.");
        }

        _stop.Cancel();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        lock (_gate)
        {
            _licenseToken = answer.LicenseToken;
            _tokenExpireAt = answer.TokenExpireAt.Value;
            if (_state == LeaseState.Active)
            {
                _state = LeaseState.Borrowed;
            }
        }

        offlineCache?.SaveToken(answer.LicenseToken);
        return answer.TokenExpireAt.Value;
    }

    /// <summary>Gives a borrowed seat back before its borrow ends (release); other states are left as they are.</summary>
    public async Task ReturnAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_state != LeaseState.Borrowed)
            {
                return;
            }

            _state = LeaseState.Released;
        }

        await _client.ReleaseAsync(LicenseToken, _identity.MachineId, _identity.ClientId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops heartbeating and releases the seat at once (a failure to release is ignored: the lease then lapses). A
    /// borrowed seat stays borrowed (see <see cref="ReturnAsync"/>).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        bool release;
        lock (_gate)
        {
            release = _state == LeaseState.Active;
            if (release)
            {
                _state = LeaseState.Released;
            }
        }

        if (release)
        {
            try
            {
                await _client.ReleaseAsync(LicenseToken, _identity.MachineId, _identity.ClientId).ConfigureAwait(false);
            }
            catch (LicensingException)
            {
            }
        }

        _stop.Dispose();
    }

    private async Task HeartbeatLoopAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            var wait = failures == 0 ? NextBeat() : Backoff(failures);
            await Clock.DelayAsync(_clock, wait, stop).ConfigureAwait(false);
            try
            {
                var answer = await _client.HeartbeatAsync(LicenseToken, _identity.MachineId, _identity.ClientId, stop).ConfigureAwait(false);
                if (!answer.Active)
                {
                    Lose(answer.Reason ?? LicenseReason.Unknown, answer.Message ?? "The server ended the lease.");
                    return;
                }

                failures = 0;
                Interlocked.Increment(ref _heartbeats);
                TokenExpireAt = answer.TokenExpireAt ?? TokenExpireAt;
                HeartbeatInterval = answer.HeartbeatInterval ?? HeartbeatInterval;
            }
            catch (LicensingException ex) when (ex.IsTransient && !stop.IsCancellationRequested)
            {
                failures++;
                if (_clock.GetUtcNow() >= TokenExpireAt)
                {
                    Lose(LicenseReason.TokenExpired, $"The lease lapsed at {TokenExpireAt:u} while the server could not be reached: {ex.Message}");
                    return;
                }
            }
            catch (LicensingException ex) when (!stop.IsCancellationRequested)
            {
                Lose(ex.Reason ?? LicenseReason.Unknown, ex.Message);
                return;
            }
        }
    }

    /// <summary>The next heartbeat: up to <see cref="LeaseOptions.Jitter"/> of the interval early, never later.</summary>
    private TimeSpan NextBeat()
    {
        double early;
        lock (_random)
        {
            early = _random.NextDouble() * _options.Jitter;
        }

        return TimeSpan.FromTicks((long)(HeartbeatInterval.Ticks * (1 - early)));
    }

    /// <summary>After a failure: a doubling pause, up to a quarter interval, and never past the lease's expiry.</summary>
    private TimeSpan Backoff(int failures)
    {
        var doubling = TimeSpan.FromTicks(_options.RetryDelay.Ticks * (1L << Math.Min(failures - 1, 10)));
        var ceiling = TimeSpan.FromTicks(HeartbeatInterval.Ticks / 4);
        var untilExpiry = TokenExpireAt - _clock.GetUtcNow();
        var wait = doubling < ceiling ? doubling : ceiling;
        return untilExpiry > TimeSpan.Zero && untilExpiry < wait ? untilExpiry : wait;
    }

    private void Lose(LicenseReason reason, string message)
    {
        lock (_gate)
        {
            if (_state != LeaseState.Active)
            {
                return;
            }

            _state = LeaseState.Lost;
        }

        LostReason = reason;
        LostMessage = message;
        try
        {
            Lost?.Invoke(this, new LeaseLostEventArgs(reason, message));
        }
#pragma warning disable CA1031 // An app's handler must not stop the SDK's loop.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}

internal static class Clock
{
    public static Task DelayAsync(TimeProvider clock, TimeSpan delay, CancellationToken ct) =>
#if NET8_0_OR_GREATER
        Task.Delay(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, clock, ct);
#else
        clock.Delay(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, ct);
#endif
}
