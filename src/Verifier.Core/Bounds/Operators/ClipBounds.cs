using Verifier.Core.Bounds;
using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

public sealed partial class Clip
{
    /// <summary>Clamping is monotone and exact in every precision, so the clamped interval ends are the bounds.</summary>
    public override ValueBounds IntervalBounds(BoundSignature signature, IReadOnlyList<ValueBounds> inputs)
    {
        var x = inputs[signature.VariableInput];
        var lower = new double[x.Length];
        var upper = new double[x.Length];
        var clamp = Clamp(signature.OutputShape);
        for (int i = 0; i < x.Length; i++) (lower[i], upper[i]) = (clamp(i, x.Lower[i]), clamp(i, x.Upper[i]));
        return new ValueBounds(lower, upper);
    }

    public override bool Relaxes => true;

    /// <summary>
    /// g = clamp(x, lo, hi) is flat, then the identity, then flat: the upper line joins (l, g(l)) to the upper kink
    /// (or to u when that kink is beyond u) unless the constant g(u) is tighter over most of [l, u]; the lower line
    /// mirrors it through the lower kink. Each is above (below) g on every piece, like ReLU's chord and slope choice.
    /// The clamp is exact in float32; the lines' float64 slopes and intercepts are off by at most a few u64 of
    /// their terms' magnitudes, charged outward.
    /// </summary>
    public override LinearRelaxation? Relax(BoundSignature signature, ValueBounds input)
    {
        var clamp = Clamp(signature.OutputShape);
        var (lo, hi) = (Resolved(Lower, signature.OutputShape), Resolved(Upper, signature.OutputShape));
        int n = input.Length;
        var (lowerSlope, lowerIntercept, upperSlope, upperIntercept) = (new double[n], new double[n], new double[n], new double[n]);
        for (int i = 0; i < n; i++)
        {
            double l = input.Lower[i], u = input.Upper[i];
            if (double.IsNaN(l) || double.IsNaN(u)) return null;
            double kinkLow = lo is { } a ? a.Data[a.Index[i]] : double.NegativeInfinity, kinkHigh = hi is { } b ? b.Data[b.Index[i]] : double.PositiveInfinity;
            (upperSlope[i], upperIntercept[i]) = Line(l, u, Math.Clamp(kinkHigh, l, u), clamp(i, l), clamp(i, u), upper: true, i, clamp);
            (lowerSlope[i], lowerIntercept[i]) = Line(l, u, Math.Clamp(kinkLow, l, u), clamp(i, l), clamp(i, u), upper: false, i, clamp);
        }
        return LinearRelaxation.Elementwise(lowerSlope, lowerIntercept, upperSlope, upperIntercept);
    }

    /// <summary>
    /// Upper: the line through (l, g(l)) and (kink, g(kink)), or the constant g(u); lower: through (kink, g(kink))
    /// and (u, g(u)), or the constant g(l). The constant wins where the flat part beyond the kink is the wider.
    /// </summary>
    private static (double Slope, double Intercept) Line(double l, double u, double kink, double gl, double gu, bool upper, int i,
        Func<int, double, double> clamp)
    {
        double constant = upper ? gu : gl;
        var (from, to) = upper ? (l, kink) : (kink, u);
        bool sloped = to > from && to - from >= (upper ? u - kink : kink - l) && double.IsFinite(l) && double.IsFinite(u);
        if (!sloped) return (0, constant);
        double gFrom = clamp(i, from), slope = (clamp(i, to) - gFrom) / (to - from), intercept = gFrom - slope * from;
        double error = 8 * Rounding.Unit64 * (Math.Abs(intercept) + Math.Abs(slope) * (Math.Abs(l) + Math.Abs(u)) + Math.Abs(gFrom));
        return (slope, upper ? Rounding.Up(intercept + error) : Rounding.Down(intercept - error));
    }

    /// <summary>The clamp of element i, exactly as the network computes it (min after max).</summary>
    private Func<int, double, double> Clamp(Shape shape)
    {
        var lo = Resolved(Lower, shape);
        var hi = Resolved(Upper, shape);
        return (i, v) =>
        {
            if (lo is { } l) v = Math.Max(v, l.Data[l.Index[i]]);
            if (hi is { } h) v = Math.Min(v, h.Data[h.Index[i]]);
            return v;
        };
    }

    private static (double[] Data, int[] Index)? Resolved(ConstantTensor? bound, Shape shape) =>
        bound is null ? null : (bound.As<double>().Data, Broadcasting.SourceIndices(bound.Shape, shape));
}
