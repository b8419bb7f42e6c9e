namespace Licensing.Signing;

public static class SigningKeyLoader
{
    private const string UnresolvedKeyVaultReference = "@Microsoft.KeyVault(";

    /// <summary>Reads the ES256 signing key from the PEM setting or the file it names; the error names the setting.</summary>
    public static bool TryLoad(LicensingOptions options, out ECDsa? key, out string error)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKeyFile))
        {
            string pem;
            try
            {
                pem = File.ReadAllText(options.SigningKeyFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                key = null;
                error = $"{SettingNames.SigningKeyFile}: cannot read '{options.SigningKeyFile}': {ex.Message}";
                return false;
            }

            return TryLoadPem(pem, SettingNames.SigningKeyFile, requirePrivate: true, out key, out error);
        }

        return TryLoadPem(options.SigningKey ?? "", SettingNames.SigningKey, requirePrivate: true, out key, out error);
    }

    /// <summary>The retired key that still verifies during a rotation (private or public PEM), if one is set.</summary>
    public static bool TryLoadPrevious(LicensingOptions options, out ECDsa? key, out string error)
    {
        if (string.IsNullOrWhiteSpace(options.PreviousSigningKey))
        {
            key = null;
            error = "";
            return true;
        }

        return TryLoadPem(options.PreviousSigningKey, SettingNames.PreviousSigningKey, requirePrivate: false, out key, out error);
    }

    /// <summary>A Key Vault reference the platform could not resolve arrives as its own text: never a usable secret.</summary>
    public static bool IsUnresolvedKeyVaultReference(string? value) =>
        value?.TrimStart().StartsWith(UnresolvedKeyVaultReference, StringComparison.OrdinalIgnoreCase) == true;

    private static bool TryLoadPem(string text, string setting, bool requirePrivate, out ECDsa? key, out string error)
    {
        key = null;
        if (IsUnresolvedKeyVaultReference(text))
        {
            error = $"{setting} is a Key Vault reference that did not resolve: check the secret exists and the app's identity may read it.";
            return false;
        }

        var pem = text.Replace("\\n", "\n", StringComparison.Ordinal);
        try
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(pem);
            if (ecdsa.KeySize != 256 || (requirePrivate && !HasPrivateKey(ecdsa)))
            {
                ecdsa.Dispose();
                error = $"{setting} must be a P-256 (ES256) {(requirePrivate ? "private " : "")}key.";
                return false;
            }

            key = ecdsa;
            error = "";
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            error = $"{setting} is not a PEM EC key ({ex.Message}).";
            return false;
        }
    }

    private static bool HasPrivateKey(ECDsa key)
    {
        try
        {
            return key.ExportParameters(includePrivateParameters: true).D is { Length: > 0 };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
