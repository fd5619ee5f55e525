using Verifier.Core.IO;
namespace Verifier.Reports.Images;

/// <summary>
/// The three pictures a tester looks at for an image counterexample: the original, the adversarial input,
/// and their difference amplified to the full range (grey = no change, white = brighter, black = darker).
/// </summary>
public sealed record ImageTriplet(byte[] Original, byte[] Adversarial, byte[] Difference)
{
    /// <param name="original">Pixel values in [lower, upper], row-major.</param>
    public static ImageTriplet Create(ReadOnlySpan<double> original, ReadOnlySpan<double> adversarial, int width, int height,
        double lower = 0, double upper = 1, int upscale = 4)
    {
        if (original.Length != width * height || adversarial.Length != width * height)
            throw new ArgumentException($"images must have {width * height} values");
        double maxDiff = 0;
        for (int i = 0; i < original.Length; i++) maxDiff = Math.Max(maxDiff, Math.Abs(adversarial[i] - original[i]));
        var o = new byte[original.Length];
        var a = new byte[original.Length];
        var d = new byte[original.Length];
        for (int i = 0; i < o.Length; i++)
        {
            o[i] = ToByte((original[i] - lower) / (upper - lower));
            a[i] = ToByte((adversarial[i] - lower) / (upper - lower));
            d[i] = ToByte(maxDiff == 0 ? 0.5 : 0.5 + 0.5 * (adversarial[i] - original[i]) / maxDiff);
        }
        return new ImageTriplet(Png(o, width, height, upscale), Png(a, width, height, upscale), Png(d, width, height, upscale));
    }

    private static byte ToByte(double unit) => (byte)Math.Clamp(Math.Round(unit * 255), 0, 255);

    /// <summary>Nearest-neighbour upscaling keeps pixels crisp when a 28x28 image is shown large.</summary>
    private static byte[] Png(byte[] grey, int width, int height, int upscale)
    {
        var big = new byte[width * height * upscale * upscale];
        int w = width * upscale;
        for (int y = 0; y < height * upscale; y++)
            for (int x = 0; x < w; x++) big[y * w + x] = grey[(y / upscale) * width + x / upscale];
        return PngWriter.Encode(big, w, height * upscale, 1);
    }
}
