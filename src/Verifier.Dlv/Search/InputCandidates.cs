using Verifier.Dlv.Regions;

namespace Verifier.Dlv.Search;

/// <summary>Input-layer grid points of one feature around the current image.</summary>
public static class InputCandidates
{
    /// <summary>
    /// The input region of <paramref name="pixels"/> centred on <paramref name="image"/>: Point applies the code's
    /// applyManipulation (towards the farther end), Corners and Lattice enumerate ±m·sp, clipped to the valid range.
    /// </summary>
    public static IEnumerable<double[]> Enumerate(double[] image, int[] pixels, DlvOptions options)
    {
        if (options.Enumeration == Enumeration.Point)
        {
            yield return InputManipulation.Apply(image, pixels, options.Span, options.NumSpan, options.InputLow, options.InputHigh);
            yield break;
        }
        var dims = InputRegion(image, pixels, options).Dims;
        foreach (var c in GridEnumeration.Counters(dims, options.Enumeration))
        {
            var point = GridEnumeration.Point(image, dims, c);
            foreach (var p in pixels) point[p] = Math.Clamp(point[p], options.InputLow, options.InputHigh);
            yield return point;
        }
    }

    public static Region InputRegion(double[] image, int[] pixels, DlvOptions options) =>
        new(0, pixels.Select(p => new RegionDim(p, image[p], options.Span, options.NumSpan)).ToArray());
}
