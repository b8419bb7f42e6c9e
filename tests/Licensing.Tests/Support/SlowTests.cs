namespace Licensing.Tests.Support;

/// <summary>
/// The slow lane: heavy and process-spawning tests (bench smoke, soak, storage faults, fuzz, seat rounds, pack, publish,
/// Bicep, the CLI and the deploy script run as processes). They share this one collection, which xunit runs after the parallel tests,
/// one class at a time, so they neither starve nor are starved by the tests that count calls. Each also carries
/// <c>[Trait("Category", "Slow")]</c>, which <c>scripts/test.sh --quick</c> leaves out.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SlowTests
{
    public const string Name = "slow tests, one at a time";
}
