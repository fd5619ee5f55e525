using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace Verifier.Dlv.Reporting;

/// <summary>A minimal PNG encoder (8-bit grey or RGB, no interlace, filter 0), written atomically.</summary>
public static class PngWriter
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Writes <paramref name="samples"/> (row-major, <paramref name="channels"/> = 1 grey or 3 RGB interleaved).</summary>
    public static void Write(string path, int width, int height, int channels, ReadOnlySpan<byte> samples)
    {
        if (channels is not (1 or 3)) throw new ArgumentException("PNG needs 1 (grey) or 3 (RGB) channels", nameof(channels));
        if (samples.Length != width * height * channels) throw new ArgumentException("sample count does not match the image size", nameof(samples));
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;                                 // bit depth
        header[9] = (byte)(channels == 1 ? 0 : 2);     // colour type: grey or truecolour
        using var raw = new MemoryStream();
        using (var zlib = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            for (int y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter: none
                zlib.Write(samples.Slice(y * width * channels, width * channels));
            }
        var temp = path + ".tmp";
        using (var file = File.Create(temp))
        {
            file.Write(Signature);
            Chunk(file, "IHDR", header);
            Chunk(file, "IDAT", raw.ToArray());
            Chunk(file, "IEND", []);
        }
        File.Move(temp, path, overwrite: true);
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        var crc = new Crc32();
        crc.Append(typeBytes);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }
}
