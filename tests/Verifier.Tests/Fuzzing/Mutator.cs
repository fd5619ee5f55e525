using System.Text;

namespace Verifier.Tests.Fuzzing;

/// <summary>
/// Seeded structure-blind mutations that reach the classic parser bugs: bit flips, truncation, duplicated and
/// deleted chunks, corrupted protobuf varints and length prefixes, and, for text formats, numbers replaced
/// by huge, negative, NaN or malformed values.
/// </summary>
public sealed class Mutator(int seed)
{
    private readonly Random _random = new(seed);

    public byte[] Mutate(byte[] input, bool text)
    {
        var data = input.ToArray();
        int rounds = 1 + _random.Next(4);
        for (int r = 0; r < rounds; r++)
            data = (text ? _random.Next(8) : _random.Next(7)) switch
            {
                0 => FlipBits(data),
                1 => Truncate(data),
                2 => Duplicate(data),
                3 => Delete(data),
                4 => SetBytes(data),
                5 => text ? Duplicate(data) : CorruptVarint(data),
                6 => text ? ReplaceNumber(data) : CorruptVarint(data),
                _ => ReplaceNumber(data),
            };
        return data;
    }

    private byte[] FlipBits(byte[] d)
    {
        if (d.Length == 0) return d;
        for (int i = 0, n = 1 + _random.Next(8); i < n; i++) d[_random.Next(d.Length)] ^= (byte)(1 << _random.Next(8));
        return d;
    }

    private byte[] Truncate(byte[] d) => d.Length == 0 ? d : d[.._random.Next(d.Length)];

    private byte[] Duplicate(byte[] d)
    {
        if (d.Length == 0) return d;
        int start = _random.Next(d.Length), length = Math.Min(d.Length - start, 1 + _random.Next(256));
        int at = _random.Next(d.Length + 1);
        return [.. d[..at], .. d.AsSpan(start, length), .. d[at..]];
    }

    private byte[] Delete(byte[] d)
    {
        if (d.Length < 2) return d;
        int start = _random.Next(d.Length), length = Math.Min(d.Length - start, 1 + _random.Next(64));
        return [.. d[..start], .. d[(start + length)..]];
    }

    private byte[] SetBytes(byte[] d)
    {
        if (d.Length == 0) return d;
        byte[] interesting = [0, 0xFF, 0x7F, 0x80, 0x01, 0xFE];
        for (int i = 0, n = 1 + _random.Next(4); i < n; i++) d[_random.Next(d.Length)] = interesting[_random.Next(interesting.Length)];
        return d;
    }

    /// <summary>Rewrites a varint (a length prefix, a dimension, a field key) with an extreme value.</summary>
    private byte[] CorruptVarint(byte[] d)
    {
        if (d.Length == 0) return d;
        int at = _random.Next(d.Length);
        byte[][] values =
        [
            [0xFF, 0xFF, 0xFF, 0xFF, 0x0F],                                  // 2^32 - 1
            [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],    // -1 as int64
            [0x80, 0x80, 0x80, 0x80, 0x08],                                  // 2^31
            [0x00],
            [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], // unterminated
        ];
        var v = values[_random.Next(values.Length)];
        int end = at;
        while (end < d.Length && (d[end] & 0x80) != 0) end++;
        end = Math.Min(end + 1, d.Length);
        return [.. d[..at], .. v, .. d[end..]];
    }

    private byte[] ReplaceNumber(byte[] d)
    {
        var s = Encoding.Latin1.GetString(d);
        var matches = System.Text.RegularExpressions.Regex.Matches(s, @"-?\d+(\.\d+)?([eE][-+]?\d+)?");
        if (matches.Count == 0) return FlipBits(d);
        var m = matches[_random.Next(matches.Count)];
        string[] replacements = ["99999999999", "-1", "0", "nan", "inf", "1e400", "-0", "1.2.3", "2147483648", "", "1e-400", "((", "X_99999"];
        var r = replacements[_random.Next(replacements.Length)];
        return Encoding.Latin1.GetBytes(s[..m.Index] + r + s[(m.Index + m.Length)..]);
    }
}
