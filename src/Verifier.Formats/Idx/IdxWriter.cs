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

    private static void Write(string path, int magic, int[] dims, byte[] data)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (Stream stream = full.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Optimal) : file)
            {
                var header = new byte[4 + 4 * dims.Length];
                BinaryPrimitives.WriteInt32BigEndian(header, magic);
                for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * d), dims[d]);
                stream.Write(header);
                stream.Write(data);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
