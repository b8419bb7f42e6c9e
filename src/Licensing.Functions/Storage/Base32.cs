namespace Licensing.Storage;

/// <summary>Lower-case RFC 4648 base32 without padding: safe in table keys, URLs and typed by hand.</summary>
public static class Base32
{
    public const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[(bytes.Length * 8 + 4) / 5];
        int buffer = 0, bits = 0, index = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                chars[index++] = Alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            chars[index++] = Alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(chars, 0, index);
    }

    /// <summary>A random string of <paramref name="length"/> base32 characters (5 bits each).</summary>
    public static string Random(int length)
    {
        var bytes = RandomNumberGenerator.GetBytes((length * 5 + 7) / 8);
        return Encode(bytes)[..length];
    }
}
