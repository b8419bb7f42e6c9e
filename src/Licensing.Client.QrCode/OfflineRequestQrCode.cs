namespace Licensing.Client.QrCode;

/// <summary>
/// An offline activation request (the text <c>OfflineActivation.CreateRequest</c> returns) as a QR code, for a phone to
/// carry from an air-gapped machine to a connected device. Byte mode with error correction M: a request of about 300
/// characters makes a version 10 to 13 code, which a phone reads from a screen.
/// </summary>
public static class OfflineRequestQrCode
{
    /// <summary>The light and dark modules of the code, row by row, with the 4-module quiet zone around it.</summary>
    public static bool[][] Modules(string requestText)
    {
        using var data = Encode(requestText);
        return data.ModuleMatrix.Select(row => Enumerable.Range(0, row.Length).Select(i => row[i]).ToArray()).ToArray();
    }

    /// <summary>A PNG of the code, <paramref name="pixelsPerModule"/> pixels to a module, black on white.</summary>
    public static byte[] ToPng(string requestText, int pixelsPerModule = 8)
    {
        if (pixelsPerModule is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(pixelsPerModule), pixelsPerModule, "A module is 1 to 64 pixels.");
        }

        using var data = Encode(requestText);
        using var png = new PngByteQRCode(data);
        return png.GetGraphic(pixelsPerModule);
    }

    /// <summary>
    /// The code as text for a terminal: two rows of modules to a line, light modules drawn in block characters and dark
    /// ones left blank, so it reads as dark on light on the usual dark terminal background. Each line ends in '\n'.
    /// </summary>
    public static string ToTerminalText(string requestText)
    {
        var modules = Modules(requestText);
        var text = new StringBuilder();
        for (var y = 0; y < modules.Length; y += 2)
        {
            for (var x = 0; x < modules[y].Length; x++)
            {
                var topLight = !modules[y][x];
                var bottomLight = y + 1 < modules.Length ? !modules[y + 1][x] : true;
                text.Append((topLight, bottomLight) switch
                {
                    (true, true) => '\u2588',
                    (true, false) => '\u2580',
                    (false, true) => '\u2584',
                    _ => ' ',
                });
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static QRCodeData Encode(string requestText)
    {
        if (string.IsNullOrWhiteSpace(requestText))
        {
            throw new ArgumentException("An activation request is needed.", nameof(requestText));
        }

        using var generator = new QRCodeGenerator();
        return generator.CreateQrCode(requestText, QRCodeGenerator.ECCLevel.M);
    }
}
