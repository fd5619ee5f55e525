using System.Globalization;

namespace Verifier.Core.IO;

/// <summary>Sizes in bytes as users write them ("8GiB", "512 MiB", "2GB", "1048576") and as messages print them.</summary>
public static class ByteSize
{
    private static readonly (string Suffix, double Factor)[] Units =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40),
        ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12),
        ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("T", 1L << 40), ("B", 1),
    ];

    /// <summary>Parses a positive size; null when the text is not one.</summary>
    public static long? TryParse(string text)
    {
        var t = text.Trim();
        double factor = 1;
        foreach (var (suffix, f) in Units)
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                factor = f;
                t = t[..^suffix.Length].TrimEnd();
                break;
            }
        if (!double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return null;
        double bytes = Math.Floor(value * factor);
        return bytes is >= 1 and < long.MaxValue ? (long)bytes : null;
    }

    /// <summary>"16 GiB", "1.5 MiB", "100 bytes".</summary>
    public static string Format(long bytes)
    {
        string[] names = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        if (bytes < 1024) return $"{bytes} bytes";
        double v = bytes;
        int unit = -1;
        while (v >= 1024 && unit < names.Length - 1) { v /= 1024; unit++; }
        return v.ToString(v < 10 ? "0.##" : "0.#", CultureInfo.InvariantCulture) + " " + names[unit];
    }
}
