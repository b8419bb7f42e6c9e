namespace Licensing.Metering;

/// <summary>
/// Recording use against a license's meters, and resetting a meter's count. A recording reads the meter row (the
/// license's terms from this instance's cache when there), decides, and commits the new count with the use's ledger row
/// in one transaction (<see cref="MeterStore"/>): a retry of a use already counted fails that transaction and is answered
/// from the ledger row with <c>duplicate: true</c>; a lost race on the meter row decides again (<see cref="Contention"/>).
/// The recording that rolls a period over also deletes the license's ledger rows whose retry window has passed.
/// </summary>
public sealed class MeterService(MeterStore meters, LicenseStore licenses, SeatStore seats, MeterLocks locks, TimeProvider clock)
{
    /// <summary>How long past its period's end a use's id is kept, so a late retry is still recognised.</summary>
    public static readonly TimeSpan RetryWindow = TimeSpan.FromDays(7);

    /// <summary>
    /// The uses in the order sent, each decided on its own. Storage per use: the meter row (1; the license row read
    /// with it when not cached) and the transaction (1); a retry of a counted use reads its ledger row (1 more).
    /// </summary>
    public async Task<IReadOnlyList<UsageRecording>> RecordAsync(Caller caller, UsageCall call, CancellationToken ct)
    {
        var licenseId = TableKeys.LicenseId(call.UserKey);
        var answers = new List<UsageRecording>(call.Events.Count);
        foreach (var use in call.Events)
        {
            answers.Add(await locks.RunAsync(licenseId, use.Meter, () => RecordOneAsync(caller, licenseId, call.MachineId, use, ct), ct).ConfigureAwait(false));
        }

        return answers;
    }

    /// <summary>Starts the meter's count again from zero (its period unchanged), with a <c>meter.reset</c> event.</summary>
    public Task<Outcome<LicenseHoldings>> ResetAsync(Caller caller, string licenseId, string code, CancellationToken ct) =>
        locks.RunAsync(licenseId, code, () => Contention.RetryAsync<Outcome<LicenseHoldings>>(async () =>
        {
            var (license, held, rows) = await seats.ReadAllWithMetersAsync(licenseId, ct).ConfigureAwait(false);
            if (license is null)
            {
                return new Refusal(Reasons.LicenseNotFound, $"No license '{licenseId}'.");
            }

            if (license.Meters.FirstOrDefault(m => m.Code == code) is not { } meter)
            {
                return new Refusal(Reasons.MeterNotFound, $"License '{licenseId}' has no meter '{code}'.");
            }

            var now = clock.GetUtcNow();
            var stored = rows.FirstOrDefault(r => r.Code == code);
            var reset = (stored ?? MeterRow.New(licenseId, code, default)).At(meter, now);
            reset.Used = 0;
            reset.LimitReachedPeriod = null;
            var standing = MeterStanding.Of(meter, 0, now);
            var resetEvent = AuditEvents.Meter(AuditEventTypes.MeterReset, license, code, 0, meter.Limit, standing.PeriodEndsAt, now, caller.KeyId, caller.ClientAddr);
            if (!await meters.ResetAsync(reset, license, resetEvent, ct).ConfigureAwait(false))
            {
                return null;
            }

            var after = rows.Where(r => r.Code != code).Append(reset).ToArray();
            return ShownSeats.Of(license, held, now) with { Meters = after };
        }, ct), ct);

    /// <summary>Best effort after a committed rollover: a trim that fails leaves the rows to the next rollover's trim.</summary>
    private async Task TrimLedgerAsync(string licenseId, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            await meters.TrimLedgerAsync(licenseId, now, ct).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException)
        {
            // The recording itself committed; its answer stands.
        }
    }

    private Task<UsageRecording> RecordOneAsync(Caller caller, string licenseId, string machineId, UsageEvent use, CancellationToken ct)
    {
        var attemptId = Base32.Random(16);
        return Contention.RetryAsync(async () =>
        {
            var cached = seats.CachedLicense(licenseId);
            var licenseRead = cached is null ? licenses.ReadAsync(licenseId, ct) : Task.FromResult<LicenseRow?>(cached);
            var meterRead = meters.ReadAsync(licenseId, use.Meter, ct);
            await Task.WhenAll(licenseRead, meterRead).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            var license = caller.Visible(licenseRead.Result);
            if (LicenseRules.Deny(license, now, requiredMode: null) is { } reason)
            {
                return UsageRecording.Denied(reason, use.Meter);
            }

            if (license!.Meters.FirstOrDefault(m => m.Code == use.Meter) is not { } meter)
            {
                return UsageRecording.Denied(Reasons.MeterNotFound, use.Meter);
            }

            var stored = meterRead.Result ?? MeterRow.New(licenseId, meter.Code, default);
            var row = stored.At(meter, now);
            var used = row.Used + use.Amount;
            if (meter.Ceiling is { } ceiling && used > ceiling)
            {
                // Nothing is counted; but a retry of a use counted before (when there was room) gets its first answer.
                return await meters.ReadUseAsync(licenseId, use.EventId, ct).ConfigureAwait(false) is { } counted
                    ? UsageRecording.From(counted, attemptId)
                    : UsageRecording.Denied(Reasons.UsageLimitReached, meter.Code, MeterStanding.Of(meter, row.Used, now));
            }

            row.Count(use.Amount, now);
            var standing = MeterStanding.Of(meter, used, now);
            var overage = meter.Limit is { } limit && used > limit;
            var events = new List<AuditEventRow>(1);
            var eventLicense = (LicenseRow?)null;
            if (meter.Limit is { } reachable && used >= reachable && row.LimitReachedPeriod != row.PeriodStart)
            {
                // The event takes the license's next number under the license row's ETag: read it fresh for that.
                eventLicense = await licenses.ReadAsync(licenseId, ct).ConfigureAwait(false);
                if (eventLicense is null)
                {
                    return null;
                }

                row.LimitReachedPeriod = row.PeriodStart;
                events.Add(AuditEvents.Meter(AuditEventTypes.UsageLimitReached, eventLicense, meter.Code, used, meter.Limit, standing.PeriodEndsAt, now, caller.KeyId, caller.ClientAddr));
            }

            var ledger = new LedgerRow
            {
                LicenseId = licenseId,
                EventId = use.EventId,
                Meter = meter.Code,
                Amount = use.Amount,
                Used = used,
                Limit = meter.Limit,
                Remaining = standing.Remaining,
                PeriodEndsAt = standing.PeriodEndsAt,
                Overage = overage,
                At = now,
                MachineId = machineId,
                AttemptId = attemptId,
                KeepUntil = standing.PeriodEndsAt is { } ends ? ends + RetryWindow : DateTimeOffset.MaxValue,
            };
            if (await meters.RecordAsync(new MeterWrite(row, ledger, eventLicense, events), ct).ConfigureAwait(false))
            {
                if (stored.IsStored && stored.PeriodEnded(meter, now))
                {
                    await TrimLedgerAsync(licenseId, now, ct).ConfigureAwait(false);
                }

                return new UsageRecording(true, meter.Code, standing, overage);
            }

            // Not committed: the use was counted before (its ledger row exists), or another writer moved the meter first.
            return await meters.ReadUseAsync(licenseId, use.EventId, ct).ConfigureAwait(false) is { } first
                ? UsageRecording.From(first, attemptId)
                : null;
        }, ct);
    }
}
