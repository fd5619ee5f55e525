namespace Verifier.Formats.Idx;

/// <summary>
/// Labelled grey-scale images as stored in idx files: Count images of Rows x Cols bytes, row-major,
/// one label byte per image.
/// </summary>
public sealed class IdxDataset
{
    public IdxDataset(byte[] pixels, byte[] labels, int count, int rows, int cols)
    {
        if (count < 0 || rows <= 0 || cols <= 0) throw new ArgumentException($"invalid dataset geometry {count}x{rows}x{cols}");
        if (pixels.LongLength != (long)count * rows * cols) throw new ArgumentException($"{pixels.Length} pixels for {count} images of {rows}x{cols}");
        if (labels.Length != count) throw new ArgumentException($"{labels.Length} labels for {count} images");
        Pixels = pixels;
        Labels = labels;
        Count = count;
        Rows = rows;
        Cols = cols;
    }

    public int Count { get; }
    public int Rows { get; }
    public int Cols { get; }
    public int ImageSize => Rows * Cols;

    /// <summary>Count * Rows * Cols bytes, image after image.</summary>
    public byte[] Pixels { get; }

    public byte[] Labels { get; }

    /// <summary>Number of classes: one more than the largest label.</summary>
    public int ClassCount => Count == 0 ? 0 : Labels.Max() + 1;

    /// <summary>All pixels as float32 multiplied by <paramref name="scale"/> (default maps 0..255 to 0..1).</summary>
    public float[] ToFloat32(float scale = 1f / 255f)
    {
        var result = new float[Pixels.Length];
        for (int i = 0; i < result.Length; i++) result[i] = Pixels[i] * scale;
        return result;
    }

    /// <summary>The first <paramref name="count"/> images (for quick runs and tests).</summary>
    public IdxDataset Take(int count)
    {
        count = Math.Clamp(count, 0, Count);
        return new IdxDataset(Pixels[..(count * ImageSize)], Labels[..count], count, Rows, Cols);
    }
}
