using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Licensing.Client.QrCode;
using ZXing.Common;

namespace Licensing.Tests.Client;

/// <summary>
/// An offline activation request shown as a QR code reads back as the same request: the terminal text is scanned back
/// module by module and decoded by ZXing (an independent QR decoder), and the PNG is a PNG of the code's size.
/// </summary>
public sealed class OfflineRequestQrCodeTests
{
    private const int QuietZone = 4;

    private static readonly string Request = "lsreq1." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(new
    {
        v = 1,
        productId = "editor",
        userKey = "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY",
        machineId = "lab-pc-0042-3f9a1c2b7d4e5f60718293a4b5c6d7e8",
        clientName = "Spectrometer bench 3",
        requestId = "q9zR3vXo0kP2sT7uW1yA4b",
        createdAt = 1796400000,
    }));

    [Fact]
    public void The_terminal_text_scans_back_to_the_request()
    {
        var text = OfflineRequestQrCode.ToTerminalText(Request);

        var modules = ScanTerminalText(text);

        Assert.Equal(Request, Decode(modules));
    }

    [Fact]
    public void The_modules_are_a_square_code_with_its_quiet_zone_and_decode_to_the_request()
    {
        var modules = OfflineRequestQrCode.Modules(Request);

        Assert.Equal(modules.Length, modules[0].Length);
        Assert.Equal(0, (modules.Length - (2 * QuietZone) - 17) % 4);
        Assert.All(modules[..QuietZone], row => Assert.DoesNotContain(true, row));
        Assert.Equal(Request, Decode(modules));
    }

    [Fact]
    public void The_png_is_a_png_of_the_code_at_the_pixels_per_module_asked()
    {
        var modules = OfflineRequestQrCode.Modules(Request);

        var png = OfflineRequestQrCode.ToPng(Request, pixelsPerModule: 5);

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(modules.Length * 5, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(modules.Length * 5, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }

    [Fact]
    public void No_request_is_refused()
    {
        Assert.Throws<ArgumentException>(() => OfflineRequestQrCode.ToTerminalText(" "));
        Assert.Throws<ArgumentOutOfRangeException>(() => OfflineRequestQrCode.ToPng(Request, pixelsPerModule: 0));
    }

    /// <summary>Reads the terminal text back into modules: a block character's lit half is a light module.</summary>
    private static bool[][] ScanTerminalText(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var width = lines[0].Length;
        var rows = new List<bool[]>();
        foreach (var line in lines)
        {
            Assert.Equal(width, line.Length);
            var (top, bottom) = (new bool[width], new bool[width]);
            for (var x = 0; x < width; x++)
            {
                (top[x], bottom[x]) = line[x] switch
                {
                    '\u2588' => (false, false),
                    '\u2580' => (false, true),
                    '\u2584' => (true, false),
                    ' ' => (true, true),
                    var other => throw new InvalidOperationException($"unexpected character U+{(int)other:X4}"),
                };
            }

            rows.Add(top);
            rows.Add(bottom);
        }

        return rows.Take(width).ToArray();
    }

    /// <summary>The text ZXing's QR decoder reads from the modules (dark = true), quiet zone left out.</summary>
    private static string Decode(bool[][] modules)
    {
        var size = modules.Length - (2 * QuietZone);
        var bits = new BitMatrix(size);
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                bits[x, y] = modules[y + QuietZone][x + QuietZone];
            }
        }

        var result = new ZXing.QrCode.Internal.Decoder().decode(bits, null);
        Assert.NotNull(result);
        return result.Text;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
