namespace Licensing.Client;

/// <summary>What became of a use: answered by the server, or kept on disk to be sent when it is reachable again.</summary>
public sealed class UsageResult
{
    internal UsageResult(UsageEvent use, UsageAnswer? answer) => (Use, Answer) = (use, answer);

    /// <summary>The use, with the event id it was (or will be) sent under.</summary>
    public UsageEvent Use { get; }

    /// <summary>The server's answer; null while the use waits in the offline queue.</summary>
    public UsageAnswer? Answer { get; }

    /// <summary>True when the server could not be reached: the use is queued and <see cref="UsageRecorder.FlushAsync"/> sends it.</summary>
    public bool Queued => Answer is null;
}

/// <summary>
/// Records use against a license's meters so that each use is counted exactly once: it makes the use's event id and
/// writes the use to <c>directory</c> before sending, so its own retries, a retry after the app restarts and the
/// offline queue all send the same id; a use is removed from disk only once the server answered it. While the server is
/// unreachable uses wait on disk; <see cref="FlushAsync"/> (also run after the next use the server answers) sends them
/// in batches of up to 100.
/// </summary>
public sealed class UsageRecorder : IDisposable
{
    public const int MaxBatch = 100;

    /// <summary>The most units one use may record.</summary>
    public const long MaxAmount = 1_000_000;
    private const string Extension = ".use";

    private readonly LicensingClient _client;
    private readonly ClientIdentity _identity;
    private readonly string _directory;
    private readonly int _tries;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private long _sequence;

    /// <param name="client">The client to send with.</param>
    /// <param name="identity">The license (user key) and this machine.</param>
    /// <param name="directory">Where uses wait until answered: keep it across restarts (beside the offline license cache).</param>
    /// <param name="tries">How many times a use is sent before it is left in the queue (at least 1).</param>
    /// <param name="clock">The clock that orders the queue (the system's by default).</param>
    public UsageRecorder(LicensingClient client, ClientIdentity identity, string directory, int tries = 3, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _identity = identity ?? throw new ArgumentNullException(nameof(identity));
        _directory = directory ?? throw new ArgumentNullException(nameof(directory));
        _tries = Math.Max(1, tries);
        Directory.CreateDirectory(_directory);
    }

    public void Dispose() => _flushing.Dispose();

    /// <summary>The uses waiting on disk to be sent.</summary>
    public int Pending => PendingFiles().Count;

    /// <summary>
    /// Records <paramref name="amount"/> units of <paramref name="meter"/>. The answer tells what is left
    /// (<see cref="UsageAnswer.Remaining"/>) or why nothing was counted; when the server cannot be reached, the use is
    /// queued (<see cref="UsageResult.Queued"/>). A refusal or a problem is an answer too: it is not queued. A use the
    /// server could never take (an amount outside 1 to 1,000,000, a meter code that is not 1 to 64 of a-z, 0-9, '.', '_'
    /// and '-') is refused at once, so the queue only ever holds uses the server can answer.
    /// </summary>
    public async Task<UsageResult> RecordUsageAsync(string meter, long amount, CancellationToken cancellationToken = default)
    {
        if (!IsMeterCode(meter ?? throw new ArgumentNullException(nameof(meter))))
        {
            throw new ArgumentException("A meter code is 1 to 64 of a-z, 0-9, '.', '_' and '-'.", nameof(meter));
        }

        if (amount is < 1 or > MaxAmount)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "A use records 1 to 1,000,000 units.");
        }

        var use = new UsageEvent { Meter = meter, Amount = amount, EventId = NewEventId() };
        var file = Keep(use);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var answer = await _client.RecordUsageAsync(_identity, use.Meter, use.Amount, use.EventId, cancellationToken).ConfigureAwait(false);
                File.Delete(file);
                await FlushAfterAnswerAsync(cancellationToken).ConfigureAwait(false);
                return new UsageResult(use, answer);
            }
            catch (LicensingException ex) when (IsTransient(ex))
            {
                if (attempt >= _tries)
                {
                    return new UsageResult(use, answer: null);
                }
            }
            catch (LicensingException)
            {
                // The server refused the call itself (a bad amount, a wrong key): sending it again cannot help.
                File.Delete(file);
                throw;
            }
        }
    }

    /// <summary>
    /// Sends the queued uses, oldest first, in batches of up to 100, and removes each one the server answered. Stops
    /// (keeping the rest) when the server cannot be reached. Returns the answers received.
    /// </summary>
    public async Task<IReadOnlyList<UsageAnswer>> FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var answers = new List<UsageAnswer>();
            var pending = PendingFiles();
            for (var start = 0; start < pending.Count; start += MaxBatch)
            {
                var batch = pending.Skip(start).Take(MaxBatch).Select(f => (File: f, Use: Read(f))).Where(p => p.Use is not null).ToList();
                if (batch.Count == 0)
                {
                    continue;
                }

                UsageBatchAnswer answered;
                try
                {
                    answered = await _client.RecordUsageBatchAsync(_identity, batch.Select(p => p.Use!).ToList(), cancellationToken).ConfigureAwait(false);
                }
                catch (LicensingException ex) when (IsTransient(ex))
                {
                    break;
                }

                foreach (var (file, _) in batch.Take(answered.Items.Count))
                {
                    File.Delete(file);
                }

                answers.AddRange(answered.Items);
            }

            return answers;
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>The server answered: the queue goes now. A failure of the flush leaves the queue as it is, not the answer unsaid.</summary>
    private async Task FlushAfterAnswerAsync(CancellationToken cancellationToken)
    {
        if (Pending == 0)
        {
            return;
        }

        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (LicensingException)
        {
            // The queued uses stay on disk for the next flush.
        }
    }

    private static bool IsMeterCode(string code) =>
        code.Length is >= 1 and <= 64 && code.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-');

    private static bool IsTransient(LicensingException ex) =>
        ex.Kind is LicensingErrorKind.Unreachable or LicensingErrorKind.Timeout
        || (ex.Kind == LicensingErrorKind.Problem && ex.StatusCode is 429 or >= 500);

    /// <summary>An id of 128 random bits in the characters the server accepts (base64url).</summary>
    private static string NewEventId()
    {
        var bytes = new byte[16];
        using (var random = RandomNumberGenerator.Create())
        {
            random.GetBytes(bytes);
        }

        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Writes the use to disk (complete or not at all) before it is sent; its name keeps the queue in order.</summary>
    private string Keep(UsageEvent use)
    {
        var order = _clock.GetUtcNow().UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture)
            + "-" + Interlocked.Increment(ref _sequence).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var path = Path.Combine(_directory, order + "-" + use.EventId + Extension);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(use, WireJson.Options), Encoding.UTF8);
        File.Move(temporary, path);
        return path;
    }

    private static UsageEvent? Read(string file)
    {
        try
        {
            return JsonSerializer.Deserialize<UsageEvent>(File.ReadAllText(file), WireJson.Options);
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    private List<string> PendingFiles() =>
        Directory.GetFiles(_directory, "*" + Extension).OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToList();
}
