namespace Licensing.Client;

/// <summary>
/// A machine id for <c>machineId</c>: stable across reboots, the same for every app of the same vendor on the
/// machine, and a salted hash, so it reveals nothing of the hardware and differs between vendors.
/// Sources: Linux <c>/etc/machine-id</c>, Windows <c>MachineGuid</c>, macOS <c>IOPlatformUUID</c>.
/// </summary>
public static class MachineIdentity
{
    /// <summary>The hashed id (64 hex characters); <paramref name="vendorSalt"/> is any string fixed for your products.</summary>
    public static string Get(string vendorSalt)
    {
        var raw = ReadPlatformId() ?? throw new PlatformNotSupportedException("No machine id source was found on this platform.");
        return Hash(vendorSalt, raw);
    }

    /// <summary>The hash of a raw platform id: SHA-256 of the salt and the id, in lower-case hex.</summary>
    public static string Hash(string vendorSalt, string rawId)
    {
        if (string.IsNullOrEmpty(vendorSalt))
        {
            throw new ArgumentException("A vendor salt is required.", nameof(vendorSalt));
        }

        using var sha = SHA256.Create();
        var digest = sha.ComputeHash(Encoding.UTF8.GetBytes("licensing-machine:" + vendorSalt + ":" + rawId.Trim().ToLowerInvariant()));
        var hex = new StringBuilder(digest.Length * 2);
        foreach (var b in digest)
        {
            hex.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return hex.ToString();
    }

    private static string? ReadPlatformId()
    {
        if (IsWindows())
        {
            return ReadWindows();
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
        {
            return ReadMac();
        }

        foreach (var path in new[] { "/etc/machine-id", "/var/lib/dbus/machine-id" })
        {
            if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } id)
            {
                return id;
            }
        }

        return null;
    }

#if NET5_0_OR_GREATER
    [System.Runtime.Versioning.SupportedOSPlatformGuard("windows")]
    private static bool IsWindows() => OperatingSystem.IsWindows();
#else
    private static bool IsWindows() => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
#endif

#if NET5_0_OR_GREATER
    [System.Runtime.Versioning.SupportedOSPlatform("windows")]
#endif
    private static string? ReadWindows()
    {
        using var key = Microsoft.Win32.RegistryKey.OpenBaseKey(Microsoft.Win32.RegistryHive.LocalMachine, Microsoft.Win32.RegistryView.Registry64)
            .OpenSubKey(@"SOFTWARE\Microsoft\Cryptography");
        return key?.GetValue("MachineGuid") as string;
    }

    private static string? ReadMac()
    {
        var start = new ProcessStartInfo("ioreg", "-rd1 -c IOPlatformExpertDevice")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start);
        if (process is null)
        {
            return null;
        }

        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        foreach (var line in output.Split('\n'))
        {
            if (line.Contains("IOPlatformUUID"))
            {
                var parts = line.Split('"');
                return parts.Length >= 4 ? parts[3] : null;
            }
        }

        return null;
    }
}
