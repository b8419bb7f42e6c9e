using System.Text;
using System.Text.RegularExpressions;

namespace Licensing.Tests.Support;

/// <summary>One command of a bash walk-through and what it printed (for an assignment: the value it assigned).</summary>
public sealed record WalkthroughStep(string Command, string Output)
{
    public override string ToString() => $"$ {Command}\n{Output}";
}

/// <summary>
/// Runs bash blocks in one shell, top to bottom, as a reader pastes them, and returns each command's answer on its own:
/// a marker line is printed before every command, and after an assignment its value.
/// </summary>
public static partial class Walkthrough
{
    private const string Marker = "@@@ step ";

    public static async Task<(IReadOnlyList<WalkthroughStep> Steps, ProcessResult Run)> RunAsync(string script, TimeSpan timeout)
    {
        var commands = Commands(script);
        var harness = new StringBuilder("set -euo pipefail\n");
        for (var i = 0; i < commands.Count; i++)
        {
            harness.Append($"printf '\\n{Marker}{i}\\n'\n").Append(commands[i]).Append('\n');
            if (Assignment().Match(commands[i]) is { Success: true } assignment)
            {
                harness.Append($"printf '%s\\n' \"${assignment.Groups[1].Value}\"\n");
            }
        }

        var file = Path.Combine(Path.GetTempPath(), $"walkthrough-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(file, harness.ToString());
        try
        {
            var run = await ProcessRun.RunAsync("bash", [file], timeout: timeout);
            var outputs = run.StdOut.Split($"\n{Marker}").Skip(1).ToDictionary(
                section => int.Parse(section[..section.IndexOf('\n', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture),
                section => section[(section.IndexOf('\n', StringComparison.Ordinal) + 1)..].Trim('\n'));
            var steps = commands.Select((c, i) => new WalkthroughStep(c, outputs.GetValueOrDefault(i, "(not run)"))).ToList();
            return (steps, run);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The commands of a script: lines joined where one ends with a backslash; blank lines and comments left out.</summary>
    public static List<string> Commands(string script)
    {
        var commands = new List<string>();
        var current = new StringBuilder();
        foreach (var line in script.Split('\n'))
        {
            if (current.Length == 0 && (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')))
            {
                continue;
            }

            current.Append(line).Append('\n');
            if (!line.EndsWith('\\'))
            {
                commands.Add(current.ToString().TrimEnd('\n'));
                current.Clear();
            }
        }

        return commands;
    }

    [GeneratedRegex("^([A-Z_]+)=")]
    private static partial Regex Assignment();
}
