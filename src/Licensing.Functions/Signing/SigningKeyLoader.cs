using System.Security.Cryptography;
using Licensing.Settings;

namespace Licensing.Signing;

public static class SigningKeyLoader
{
    /// <summary>Reads the ES256 key from the PEM setting or the file it names; the error names the setting.</summary>
    public static bool TryLoad(LicensingOptions options, out ECDsa? key, out string error)
    {
        key = null;
        string pem;
        string setting;
        if (!string.IsNullOrWhiteSpace(options.SigningKeyFile))
        {
            setting = LicensingOptions.Keys.SigningKeyFile;
            try
            {
                pem = File.ReadAllText(options.SigningKeyFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                error = $"{setting}: cannot read '{options.SigningKeyFile}': {ex.Message}";
                return false;
            }
        }
        else
        {
            setting = LicensingOptions.Keys.SigningKey;
            pem = (options.SigningKey ?? "").Replace("\\n", "\n", StringComparison.Ordinal);
        }

        try
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(pem);
            if (ecdsa.KeySize != 256)
            {
                ecdsa.Dispose();
                error = $"{setting} must be a P-256 (ES256) private key.";
                return false;
            }

            key = ecdsa;
            error = "";
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            error = $"{setting} is not a PEM EC private key ({ex.Message}).";
            return false;
        }
    }
}
