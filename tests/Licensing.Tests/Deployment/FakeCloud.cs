using Licensing.Tests.Support;

namespace Licensing.Tests.Deployment;

/// <summary>
/// Stand-ins on PATH for what scripts/deploy.sh calls out to (az, dotnet, curl, sleep), each recording its command
/// line, in order, in one log; az answers as a fresh subscription would, steered by the properties below. The real
/// openssl and zip stay in use, so ensure-secrets.sh makes real secrets, which the fake az keeps aside (read from
/// the --file it is given) for the tests to look for in everything the scripts print.
/// </summary>
public sealed class FakeCloud : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "licensing-fake-cloud-" + Guid.NewGuid().ToString("N"));

    public FakeCloud()
    {
        Directory.CreateDirectory(_folder);
        Write("az", AzScript);
        Write("dotnet", "echo \"dotnet $*\" >> \"$FAKE_CLOUD/calls.log\"\nwhile [ $# -gt 0 ]; do if [ \"$1\" = -o ]; then mkdir -p \"$2\"; echo app > \"$2/app.dll\"; fi; shift; done\n");
        Write("curl", "echo \"curl $*\" >> \"$FAKE_CLOUD/calls.log\"\n");
        Write("sleep", "echo \"sleep $*\" >> \"$FAKE_CLOUD/calls.log\"\n");
    }

    /// <summary>What az account show says the login is: user or servicePrincipal.</summary>
    public string LoginType { get; set; } = "user";

    /// <summary>How many package uploads fail (with Flex Consumption's storage 403) before one succeeds.</summary>
    public int FailingUploads { get; set; }

    /// <summary>What the config-references endpoint answers, one status per poll, before it answers Resolved.</summary>
    public IList<string> ReferenceStatuses { get; } = [];

    /// <summary>Deleted vaults as az keyvault list-deleted lists them: name and the vault's former resource id.</summary>
    public IList<(string Name, string VaultId)> DeletedVaults { get; } = [];

    /// <summary>Every command line, in order: "az ...", "dotnet ...", "curl ...", "sleep N".</summary>
    public IReadOnlyList<string> Calls => File.Exists(Log) ? File.ReadAllLines(Log) : [];

    /// <summary>The secret values ensure-secrets.sh handed to az keyvault secret set.</summary>
    public IReadOnlyList<string> SecretValues =>
        Directory.EnumerateFiles(_folder, "secret-*").Select(File.ReadAllText).ToList();

    private string Log => Path.Combine(_folder, "calls.log");

    public async Task<ProcessResult> RunAsync(string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "login-type"), LoginType);
        await File.WriteAllTextAsync(Path.Combine(_folder, "failing-uploads"), FailingUploads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await File.WriteAllLinesAsync(Path.Combine(_folder, "reference-statuses"), ReferenceStatuses);
        await File.WriteAllLinesAsync(Path.Combine(_folder, "deleted-vaults"), DeletedVaults.Select(v => $"{v.Name}\t{v.VaultId}"));
        var variables = new Dictionary<string, string>
        {
            ["PATH"] = _folder + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["FAKE_CLOUD"] = _folder,
            ["ENSURE_SECRETS_DELAY"] = "0",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return await ProcessRun.RunAsync("bash", new[] { Path.Combine("scripts", script) }.Concat(arguments), environment: variables, timeout: TimeSpan.FromMinutes(2));
    }

    /// <summary>The index of the first call starting with <paramref name="prefix"/> (after <paramref name="from"/>), or -1.</summary>
    public int IndexOf(string prefix, int from = 0)
    {
        var calls = Calls;
        for (var i = from; i < calls.Count; i++)
        {
            if (calls[i].StartsWith(prefix, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public int LastIndexOf(string prefix)
    {
        var calls = Calls;
        for (var i = calls.Count - 1; i >= 0; i--)
        {
            if (calls[i].StartsWith(prefix, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void Write(string name, string body)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + body);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private const string AzScript = """
        echo "az $*" >> "$FAKE_CLOUD/calls.log"
        next_line() { # prints and removes the first line of a file; fails when it is empty
            local file=$1 line
            [ -s "$file" ] || return 1
            line=$(head -n 1 "$file"); tail -n +2 "$file" > "$file.rest"; mv "$file.rest" "$file"; printf '%s\n' "$line"
        }
        case "$*" in
          "account show --output none") ;;
          "account show --query user.type -o tsv") cat "$FAKE_CLOUD/login-type" ;;
          "account show --query user.name -o tsv") echo "00000000-0000-0000-0000-00000000a99c" ;;
          "account list-locations"*) echo westeurope ;;
          "functionapp list-flexconsumption-locations"*) echo westeurope ;;
          "ad sp show"*) echo "sp-object-id" ;;
          "ad signed-in-user show"*) echo "user-object-id" ;;
          "keyvault list-deleted"*) cat "$FAKE_CLOUD/deleted-vaults" ;;
          "deployment group show"*)
            case "$*" in
              *functionAppName*) echo func-licensing ;;
              *functionAppUrl*) echo https://func-licensing.example ;;
              *keyVaultName*) echo kvlicensing ;;
            esac ;;
          "keyvault secret show"*) echo "(SecretNotFound) A secret with (name/id) x was not found in this key vault." >&2; exit 1 ;;
          "keyvault secret set"*)
            while [ $# -gt 0 ]; do if [ "$1" = --file ]; then cp "$2" "$(mktemp "$FAKE_CLOUD/secret-XXXXXX")"; fi; shift; done ;;
          "functionapp show"*) echo "/subscriptions/sub/resourceGroups/my-rg/providers/Microsoft.Web/sites/func-licensing" ;;
          "rest --method get"*) next_line "$FAKE_CLOUD/reference-statuses" || echo Resolved ;;
          "functionapp deployment source config-zip"*)
            left=$(cat "$FAKE_CLOUD/failing-uploads")
            if [ "$left" -gt 0 ]; then
              echo $((left - 1)) > "$FAKE_CLOUD/failing-uploads"
              echo "ERROR: BlobUploadFailedException: Failed to upload blob to storage account: Response status code does not indicate success: 403 (This request is not authorized to perform this operation.)" >&2
              exit 1
            fi ;;
          *) ;;
        esac
        """;
}
