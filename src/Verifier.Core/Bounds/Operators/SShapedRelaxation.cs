using Verifier.Core.Bounds;

namespace Verifier.Core.Operators;

/// <summary>
/// CROWN's linear bounds (Zhang et al., NeurIPS 2018) of an S-shaped function f: increasing, convex below 0, concave
/// above, with f' decreasing in |x| and f(-x) = 2 f(0) - f(x) (sigmoid, tanh). Only the upper line is constructed;
/// the lower line on [l, u] is the upper line on [-u, -l] reflected through (0, f(0)).
/// <para>
/// Upper line on [l, u]: concave part (l &gt;= 0): the tangent at the midpoint, above f on all of [0, inf). Otherwise,
/// for any slope k with f - k x convex on [l, 0] and non-decreasing on [0, u] (k &lt;= f'(u) when u &gt; 0), the
/// maximum of f - k x over [l, u] is at l or at u, so the chord slope with intercept max(f(l) - k l, f(u) - k u) is
/// sound. When f'(u) is below the chord slope, CROWN's tangent at the point d in [0, u] where it passes through
/// (l, f(l)) (bisection), or the tangent at the middle of [l, u] when that lies beyond d (tangents beyond d pass
/// above (l, f(l)); of those, the middle's is the lowest there, so it has the least area). The line is lifted to
/// pass above f(l): above the concave part as a tangent, above f(l) and f(0), so above the convex part between
/// them. A tangent point off by rounding only loosens the line.
/// </para>
/// <para>
/// Floating point: f and f' are evaluated in float64 within <see cref="Float64Error"/> (absolute; both are at most 1
/// in magnitude and each formula is a few correctly rounded steps and one exp or tanh within an ulp or two). A line
/// computed from such values is off from the exact line the argument above constructs by at most E per value used
/// plus E times the distance to its anchor point (at most u - l), plus the roundings of its intercept (8 u64 of the
/// magnitudes): <see cref="LineError"/>. The network's float32 (and float64) f is within
/// relative * |f(x)| + absolute of the exact value, |f(x)| at most max(|f(l)|, |f(u)|) by monotonicity. Both
/// are added to the intercepts, outward. Unbounded inputs get constant lines (the interval); NaN gets none.
/// </para>
/// </summary>
internal sealed class SShapedRelaxation(Func<double, double> function, Func<double, double> derivative, double centre,
    double relativeError, double absoluteError)
{
    /// <summary>Absolute error allowance of our float64 f and f' (actual: a few 1e-16).</summary>
    private const double Float64Error = 1e-14;

    private const int BisectionSteps = 200;

    /// <summary>The float32 (and float64) network's f(x) at most this far from the exact value for x in [l, u].</summary>
    public double EvaluationError(double l, double u) =>
        relativeError * (Math.Max(Math.Abs(function(l)), Math.Abs(function(u))) + Float64Error) + absoluteError;

    public LinearRelaxation? Relax(ValueBounds x)
    {
        int n = x.Length;
        var (lowerSlope, lowerIntercept, upperSlope, upperIntercept) = (new double[n], new double[n], new double[n], new double[n]);
        var (upperRanges, lowerRanges) = (new TangentRange?[n], new TangentRange?[n]);
        bool tangents = false;
        for (int i = 0; i < n; i++)
        {
            double l = x.Lower[i], u = x.Upper[i];
            if (double.IsNaN(l) || double.IsNaN(u)) return null;
            (upperRanges[i], lowerRanges[i]) = (Tangents(l, u), Tangents(-u, -l));
            tangents |= upperRanges[i] is not null || lowerRanges[i] is not null;
            (upperSlope[i], upperIntercept[i]) = UpperLine(l, u, upperRanges[i]?.Start);
            (lowerSlope[i], lowerIntercept[i]) = LowerLine(l, u, lowerRanges[i]?.Start);
        }
        var relaxation = LinearRelaxation.Elementwise(lowerSlope, lowerIntercept, upperSlope, upperIntercept);
        return tangents ? relaxation with { Parameters = new TangentPoints(this, relaxation, x.Lower, x.Upper, upperRanges, lowerRanges) } : relaxation;
    }

    /// <summary>The sound upper line on [l, u]: the tangent at t where given (a point of <see cref="Tangents"/>), else the chord.</summary>
    public (double Slope, double Intercept) UpperLine(double l, double u, double? t)
    {
        var (k, b, e) = Sound(l, u, t);
        return (k, Rounding.Up(b + e + EvaluationError(l, u)));
    }

    /// <summary>
    /// The sound lower line on [l, u], t a point of the reflected interval's <see cref="Tangents"/>: f(x) = 2 f(0) -
    /// f(-x) &gt;= 2 f(0) - (k (-x) + b) = k x + (2 f(0) - b), with one more rounding.
    /// </summary>
    public (double Slope, double Intercept) LowerLine(double l, double u, double? t)
    {
        var (k, b, e) = Sound(-u, -l, t);
        double reflected = 2 * centre - b;
        return (k, Rounding.Down(reflected - e - EvaluationError(l, u) - 2 * Rounding.Unit64 * Math.Abs(reflected)));
    }

    /// <summary>Where the upper line on [l, u] may touch f as a tangent, and CROWN's choice; null where it is the chord.</summary>
    public readonly record struct TangentRange(double Low, double High, double Start);

    /// <summary>
    /// The tangent points whose line is sound and no looser than needed on [l, u]: on the concave part (l &gt;= 0)
    /// all of [l, u], CROWN's the middle; across 0, where f'(u) is below the chord slope, [d, u] with d where the
    /// tangent passes through (l, f(l)), CROWN's the larger of d and the middle. (Any t in [0, u] is sound there:
    /// see <see cref="Tangent"/>.) Null where the line is the chord or a constant.
    /// </summary>
    public TangentRange? Tangents(double l, double u)
    {
        if (!(l < u) || double.IsInfinity(l) || double.IsInfinity(u)) return null;
        double middle = l + (u - l) / 2;
        if (l >= 0) return new TangentRange(l, u, middle);
        double fl = function(l), chord = (function(u) - fl) / (u - l);
        if (u <= 0 || derivative(u) - Float64Error >= chord) return null;
        double d = TangentThrough(l, fl, u);
        return new TangentRange(d, u, Math.Max(d, middle));
    }

    /// <summary>f'' (central difference of f'): the direction in which a tangent point moves the line.</summary>
    public double Curvature(double t)
    {
        double h = 1e-4 * (1 + Math.Abs(t));
        return (derivative(t + h) - derivative(t - h)) / (2 * h);
    }

    /// <summary>
    /// The upper line (slope, intercept, error allowance) on [l, u], the tangent at t or the chord; the constant
    /// f(u) where the interval is unbounded or a point, or where the line's allowance exceeds what it could gain
    /// over the constant.
    /// </summary>
    private (double Slope, double Intercept, double Error) Sound(double l, double u, double? t)
    {
        double constant = function(u);
        if (!(l < u) || double.IsInfinity(l) || double.IsInfinity(u)) return (0, constant, Float64Error);
        // A tangent point needs some of [max(l, 0), u]; without it (u < 0) the chord is the sound upper line.
        var (k, b) = t is { } point && Math.Max(l, 0) <= u ? Tangent(l, Math.Clamp(point, Math.Max(l, 0), u)) : Chord(l, u);
        double error = LineError(k, b, l, u);
        return double.IsFinite(k) && double.IsFinite(b) && error < constant - function(l) ? (k, b, error) : (0, constant, Float64Error);
    }

    /// <summary>
    /// The tangent at t in [max(l, 0), u], lifted to pass above (l, f(l)): above the concave part [0, inf) as a
    /// tangent there, so above f(0) and f(u); above f(l); so above the convex part [l, 0], which lies below the chord
    /// from (l, f(l)) to (0, f(0)).
    /// </summary>
    private (double Slope, double Intercept) Tangent(double l, double t)
    {
        double k = derivative(t);
        return (k, Math.Max(function(t) - k * t, function(l) - k * l));
    }

    /// <summary>The chord, lifted to the larger of its two ends' intercepts (it is below f'(u) or on the convex part).</summary>
    private (double Slope, double Intercept) Chord(double l, double u)
    {
        double fl = function(l), fu = function(u), chord = (fu - fl) / (u - l);
        return (chord, Math.Max(fl - chord * l, fu - chord * u));
    }

    /// <summary>
    /// A point t in [0, u] near where the tangent of f passes through (l, f(l)): there f'(t) (t - l) = f(t) - f(l),
    /// the left side larger before it, smaller after (bisection).
    /// </summary>
    private double TangentThrough(double l, double fl, double u)
    {
        double low = 0, high = u;
        for (int step = 0; step < BisectionSteps; step++)
        {
            double mid = low + (high - low) / 2;
            if (mid <= low || mid >= high) break;
            if (derivative(mid) * (mid - l) >= function(mid) - fl) low = mid;
            else high = mid;
        }
        return high;
    }

    /// <summary>E per value and per unit of distance to the anchor, and the intercept's roundings.</summary>
    private static double LineError(double slope, double intercept, double l, double u) =>
        Float64Error * (2 + (u - l)) + 8 * Rounding.Unit64 * (Math.Abs(intercept) + Math.Abs(slope) * (Math.Abs(l) + Math.Abs(u)) + 1);
}
