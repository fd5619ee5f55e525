using Verifier.Core.IO;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Verifier.Formats.Idx;

/// <summary>
/// Writes unsigned-byte idx files atomically (temporary file, then rename), gzip-compressed when the name
/// ends in .gz. Used to export datasets such as adversarial examples.
/// </summary>
public static class IdxWriter
{
    public static void WriteImages(string path, byte[] pixels, int count, int rows, int cols)
    {
        if ((long)count * rows * cols != pixels.LongLength) throw new ArgumentException($"{pixels.Length} pixels for {count} images of {rows}x{cols}");
        Write(path, IdxReader.ImagesMagic, [count, rows, cols], pixels);
    }

    public static void WriteLabels(string path, byte[] labels) => Write(path, IdxReader.LabelsMagic, [labels.Length], labels);

    public static void WriteDataset(string imagesPath, string labelsPath, IdxDataset data)
    {
        WriteImages(imagesPath, data.Pixels, data.Count, data.Rows, data.Cols);
        WriteLabels(labelsPath, data.Labels);
    }

    private static void Write(string path, int magic, int[] dims, byte[] data) => AtomicFile.Write(path, file =>
    {
        var header = new byte[4 + 4 * dims.Length];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * d), dims[d]);
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            file.Write(header);
            file.Write(data);
            return;
        }
        using var gzip = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true);
        gzip.Write(header);
        gzip.Write(data);
    });
}
