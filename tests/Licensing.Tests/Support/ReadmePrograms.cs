using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Licensing.Tests.Support;

/// <summary>
/// Compiles a C# program of the README as <c>dotnet new console</c> would build it: top-level statements, the console
/// template's implicit usings, nullable on, against .NET's own assemblies and the packages its marker names.
/// </summary>
public static class ReadmePrograms
{
    /// <summary>The global usings of a new .NET console app (ImplicitUsings).</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    /// <summary>The assemblies a package brings to the app's compilation (with those its public types are built on).</summary>
    private static readonly Dictionary<string, string[]> PackageAssemblies = new()
    {
        ["Licensing.Client"] = ["Licensing.Client.dll"],
        ["Azure.Identity"] = ["Azure.Identity.dll", "Azure.Core.dll", "System.ClientModel.dll", "Microsoft.Identity.Client.dll"],
    };

    /// <summary>
    /// The marker's package names: <c>program Licensing.Client Azure.Identity</c>; a word starting with <c>#</c> names the
    /// program (<c>program #offline-activation Licensing.Client</c>), so two programs may use the same packages.
    /// </summary>
    public static IReadOnlyList<string> PackagesOf(ReadmeBlock block) =>
        block.Marker!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(word => !word.StartsWith('#')).ToList();

    public static CSharpCompilation Compile(ReadmeBlock block)
    {
        var references = FrameworkAssemblies()
            .Concat(PackagesOf(block).SelectMany(p => PackageAssemblies[p]).Select(dll => Path.Combine(AppContext.BaseDirectory, dll)))
            .Select(path => MetadataReference.CreateFromFile(path));
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        return CSharpCompilation.Create(
            "ReadmeProgram",
            [CSharpSyntaxTree.ParseText(ImplicitUsings, parse, "GlobalUsings.cs"), CSharpSyntaxTree.ParseText(block.Text, parse, "Program.cs")],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>Errors and warnings, as "Program.cs(line,col): CS0103: message".</summary>
    public static IReadOnlyList<string> Problems(CSharpCompilation compilation) =>
        compilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(d => d.ToString())
            .ToList();

    /// <summary>The managed assemblies of the .NET runtime the tests run on (Microsoft.NETCore.App, no ASP.NET).</summary>
    private static IEnumerable<string> FrameworkAssemblies() =>
        Directory.GetFiles(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "*.dll").Where(IsManaged);

    private static bool IsManaged(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new PEReader(stream);
        return reader.HasMetadata;
    }
}
