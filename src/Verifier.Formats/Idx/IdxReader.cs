using System.Buffers.Binary;
using System.IO.Compression;
using Verifier.Core.Errors;

namespace Verifier.Formats.Idx;

/// <summary>
/// Reads unsigned-byte idx files (the MNIST family): images (magic 0x00000803, dims count x rows x cols) and
/// labels (magic 0x00000801, dim count). Files ending in .gz are decompressed on the fly. Every size is
/// checked against the header before anything is allocated, so a corrupt header cannot exhaust memory.
/// </summary>
public static class IdxReader
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    /// <summary>Largest payload accepted (1 GiB): far above any idx dataset in use, well below trouble.</summary>
    public const long MaxBytes = 1L << 30;

    public static byte[] ReadImages(string path, out int count, out int rows, out int cols)
    {
        var (dims, data) = Read(path, ImagesMagic, 3, "images");
        (count, rows, cols) = (dims[0], dims[1], dims[2]);
        return data;
    }

    public static byte[] ReadLabels(string path)
    {
        var (_, data) = Read(path, LabelsMagic, 1, "labels");
        return data;
    }

    /// <summary>An images file and its labels file, checked to describe the same number of samples.</summary>
    public static IdxDataset ReadDataset(string imagesPath, string labelsPath)
    {
        var pixels = ReadImages(imagesPath, out int count, out int rows, out int cols);
        var labels = ReadLabels(labelsPath);
        if (labels.Length != count)
            throw new InputException(labelsPath, $"{labels.Length} labels, but {imagesPath} holds {count} images");
        return new IdxDataset(pixels, labels, count, rows, cols);
    }

    private static (int[] Dims, byte[] Data) Read(string path, int expectedMagic, int rank, string what)
    {
        if (!File.Exists(path)) throw new InputException(path, $"idx {what} file not found");
        try
        {
            using var file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            var magicBytes = new byte[4];
            ReadExactly(stream, magicBytes, path, "magic number");
            int magic = BinaryPrimitives.ReadInt32BigEndian(magicBytes);
            if (magic != expectedMagic)
                throw new InputException(path, $"not an idx {what} file: magic 0x{magic:X8}, expected 0x{expectedMagic:X8}");
            var header = new byte[4 * rank];
            ReadExactly(stream, header, path, "header");
            var dims = new int[rank];
            long total = 1;
            for (int d = 0; d < rank; d++)
            {
                dims[d] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 * d));
                if (dims[d] < 0 || (d > 0 && dims[d] == 0)) throw new InputException(path, $"invalid dimension {d}: {dims[d]}");
                total *= dims[d];
                if (total > MaxBytes) throw new InputException(path, $"idx payload larger than the {MaxBytes} byte limit");
            }
            var data = new byte[total];
            ReadExactly(stream, data, path, "data");
            if (stream.ReadByte() >= 0) throw new InputException(path, $"trailing bytes after the {total} bytes the header declares");
            return (dims, data);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new InputException(path, $"cannot read idx file: {e.Message}", e);
        }
    }

    private static void ReadExactly(Stream stream, byte[] buffer, string path, string part)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = stream.Read(buffer, done, buffer.Length - done);
            if (n == 0) throw new InputException(path, $"truncated idx file: {part} has {done} of {buffer.Length} bytes");
            done += n;
        }
    }
}
