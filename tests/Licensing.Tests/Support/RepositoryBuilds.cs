namespace Licensing.Tests.Support;

/// <summary>
/// Tests that build or pack the repository's own projects (dotnet pack, scripts/run-local.sh's build): one at a time,
/// since two builds of one project at once race for the same obj/ folder.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RepositoryBuilds
{
    public const string Name = "Builds in the repository";
}
