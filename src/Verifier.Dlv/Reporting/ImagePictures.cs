using Verifier.Core.IO;
namespace Verifier.Dlv.Reporting;

/// <summary>Turns flat CHW network inputs in [low, high] into PNG pictures (grey for 1 channel, RGB for 3).</summary>
public sealed record ImageLayout(int Channels, int Height, int Width, double Low, double High)
{
    /// <summary>The layout of a [C, H, W] input with 1 or 3 channels; null when the input is not a picture.</summary>
    public static ImageLayout? For(Verifier.Core.Tensors.Shape inputWithoutBatch, double low, double high) =>
        inputWithoutBatch.Rank == 3 && inputWithoutBatch[0] is 1 or 3 ? new(inputWithoutBatch[0], inputWithoutBatch[1], inputWithoutBatch[2], low, high) : null;

    public void WriteImage(string path, ReadOnlySpan<double> chw) => Write(path, chw, v => (v - Low) / (High - Low));

    /// <summary>The difference, amplified so its largest magnitude spans the range: grey 128 = unchanged.</summary>
    public void WriteDifference(string path, ReadOnlySpan<double> original, ReadOnlySpan<double> changed)
    {
        var diff = new double[original.Length];
        double max = 0;
        for (int i = 0; i < diff.Length; i++) { diff[i] = changed[i] - original[i]; max = Math.Max(max, Math.Abs(diff[i])); }
        Write(path, diff, v => max == 0 ? 0.5 : 0.5 + 0.5 * v / max);
    }

    private void Write(string path, ReadOnlySpan<double> chw, Func<double, double> unit)
    {
        int plane = Height * Width;
        var samples = new byte[plane * Channels];
        for (int c = 0; c < Channels; c++)
            for (int p = 0; p < plane; p++)
                samples[p * Channels + c] = (byte)Math.Round(255 * Math.Clamp(unit(chw[c * plane + p]), 0, 1));
        PngWriter.Write(path, Width, Height, Channels, samples);
    }
}
