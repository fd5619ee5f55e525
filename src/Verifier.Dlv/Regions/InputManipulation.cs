namespace Verifier.Dlv.Regions;

/// <summary>
/// The input-layer manipulation (applyManipulation): each selected pixel moves m·sp towards the farther end of
/// the valid range and is clipped to it. With sp = m = 1 over [0, 1] a pixel flips to the opposite extreme.
/// </summary>
public static class InputManipulation
{
    public static double Apply(double value, double span, int numSpan, double low = 0, double high = 1)
    {
        double moved = high - value < value - low ? value - numSpan * span : value + numSpan * span;
        return Math.Clamp(moved, low, high);
    }

    public static double[] Apply(ReadOnlySpan<double> image, IEnumerable<int> pixels, double span, int numSpan, double low = 0, double high = 1)
    {
        var result = image.ToArray();
        foreach (var p in pixels) result[p] = Apply(image[p], span, numSpan, low, high);
        return result;
    }
}
