using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CsCheck;
using Xunit.Abstractions;

namespace Licensing.Tests.Model;

/// <summary>Runs alone, after the parallel tests: a minute of steady load on the shared Azurite would slow everything else.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}

/// <summary>
/// Model-based test of CONTRACT.md: random sequences of client calls, admin changes, clock steps and timer runs
/// against the real server (real HTTP, real Azurite, a manual clock), each answer compared with <see cref="LicenseModel"/>.
/// Each sequence runs on a server of its own (<see cref="ModelServer"/>), so a printed seed replays exactly.
/// Environment: <c>LICENSING_MODEL_OPS</c> (operations per run, default 10,000), <c>LICENSING_MODEL_SEED</c> (replay the
/// one sequence a failure printed), <c>LICENSING_MODEL_THREADS</c> (sequences run at once).
/// </summary>
[Collection(RunsAlone.Name)]
[Trait("Category", "Slow")]
public sealed partial class ContractModelTests(ITestOutputHelper output)
{
    private const int DefaultOperations = 10_000;
    private const int DefaultThreads = 4;

    /// <summary>Shrinking reruns whole sequences against the server: a failure gets this many smaller tries, or this long.</summary>
    private const int MaxShrinkRuns = 40;
    private static readonly TimeSpan MaxShrinkTime = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Random_sequences_of_calls_answer_as_the_contract_model_says_after_every_step()
    {
        var operations = Setting("LICENSING_MODEL_OPS", DefaultOperations);
        var threads = Setting("LICENSING_MODEL_THREADS", DefaultThreads);
        var seed = Environment.GetEnvironmentVariable("LICENSING_MODEL_SEED") is { Length: > 0 } s ? s.Trim() : null;
        var tally = new RunTally();
        var failures = new FailureBudget();
        var failedAtStep = new ConcurrentDictionary<ModelSequence, int>(ReferenceEqualityComparer.Instance);
        var clock = Stopwatch.StartNew();
        try
        {
            await ModelGen.Sequence.SampleAsync(
                async sequence =>
                {
                    // Past the budget the remaining iterations pass without a call; after a failure only a bounded
                    // number of smaller sequences are run, since each is a round of real HTTP calls.
                    if (seed is null && (failures.Exhausted || (!failures.Seen && tally.Operations >= operations)))
                    {
                        return;
                    }

                    failures.CountShrinkRun();
                    var server = await ModelServer.StartAsync(sequence);
                    var runner = new SequenceRunner(server, sequence, tally);
                    try
                    {
                        await runner.RunAsync();
                    }
                    catch (Exception)
                    {
                        failures.Failed();
                        failedAtStep[sequence] = runner.StepsRun;
                        throw;
                    }
                    finally
                    {
                        await ModelServer.StopAsync(server);
                    }
                },
                seed: seed,
                iter: seed is null ? Math.Max(operations / 5, 20) : 1,
                threads: seed is null ? threads : 1,
                print: sequence => failedAtStep.TryGetValue(sequence, out var steps) ? sequence.Describe(steps) : sequence.ToString());
        }
        catch (CsCheckException ex)
        {
            var replay = SeedPattern().Match(ex.Message) is { Success: true } m ? m.Groups[1].Value : "(see below)";
            output.WriteLine(tally.Summary());
            Assert.Fail($"The contract model found a difference. Replay it: LICENSING_MODEL_SEED={replay}\n\n{ex.Message}\n\n{ex.InnerException?.Message}");
        }

        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s, {threads} sequences at a time" + (seed is null ? "" : $", replaying seed {seed}"));
        output.WriteLine(tally.Summary());
        if (seed is null)
        {
            Assert.True(tally.Operations >= operations, $"ran {tally.Operations} of {operations} operations");
        }

        if (seed is null && operations >= DefaultOperations)
        {
            // The interesting paths must keep coming up, or the generators have drifted.
            foreach (var path in new[]
            {
                "request: granted a new lease", "request: same lease renewed", "request: seats_exhausted", "activate: seats_exhausted",
                "heartbeat: token_expired", "heartbeat: token_not_found", "heartbeat: machine_mismatch", "heartbeat: token_released",
                "heartbeat: token_revoked", "lapsed leases ended by a grant needing room", "request: chose among lapsed leases to end",
                "lapsed leases ended by the timer", "ended seats purged by the timer", "release: ended a seat", "deactivate: ended a seat",
                "admin revoke: 200", "sequences of mode 0", "validate: ok", "activate: wrong_licensing_mode", "release: 409 wrong_licensing_mode",
                "deactivate: 409 wrong_licensing_mode",
                "request: granted a new lease (overage)", "activate: activated a new machine (overage)", "activate: transfer_limit_reached",
                "admin PATCH: refused below the overage seats", "clock: 30 days",
            })
            {
                Assert.True(tally[path] > 0, $"no '{path}' in {tally.Operations} operations:\n{tally.Summary()}");
            }
        }
    }

    private static int Setting(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    [GeneratedRegex("Set seed: \"([^\"]+)\"")]
    private static partial Regex SeedPattern();

    /// <summary>Whether a sequence failed yet, and how much of the shrinking allowance is left.</summary>
    private sealed class FailureBudget
    {
        private readonly object _gate = new();
        private Stopwatch? _since;
        private int _runs;

        public bool Seen
        {
            get
            {
                lock (_gate)
                {
                    return _since is not null;
                }
            }
        }

        public bool Exhausted
        {
            get
            {
                lock (_gate)
                {
                    return _since is not null && (_runs >= MaxShrinkRuns || _since.Elapsed > MaxShrinkTime);
                }
            }
        }

        public void CountShrinkRun()
        {
            lock (_gate)
            {
                if (_since is not null)
                {
                    _runs++;
                }
            }
        }

        public void Failed()
        {
            lock (_gate)
            {
                _since ??= Stopwatch.StartNew();
            }
        }
    }
}
