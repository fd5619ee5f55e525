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
        for (int i = 0; i < n; i++)
        {
            double l = x.Lower[i], u = x.Upper[i];
            if (double.IsNaN(l) || double.IsNaN(u)) return null;
            double network = EvaluationError(l, u);
            var (ku, bu, eu) = Sound(l, u);
            var (kl, bl, el) = Sound(-u, -l);
            // Reflection: f(x) = 2 f(0) - f(-x) >= 2 f(0) - (kl (-x) + bl) = kl x + (2 f(0) - bl); one more rounding.
            double reflected = 2 * centre - bl;
            (upperSlope[i], upperIntercept[i]) = (ku, Rounding.Up(bu + eu + network));
            (lowerSlope[i], lowerIntercept[i]) = (kl, Rounding.Down(reflected - el - network - 2 * Rounding.Unit64 * Math.Abs(reflected)));
        }
        return LinearRelaxation.Elementwise(lowerSlope, lowerIntercept, upperSlope, upperIntercept);
    }

    /// <summary>
    /// The upper line (slope, intercept, error allowance) on [l, u]; the constant f(u) where the interval is
    /// unbounded or a point, or where the line's allowance exceeds what it could gain over the constant.
    /// </summary>
    private (double Slope, double Intercept, double Error) Sound(double l, double u)
    {
        double constant = function(u);
        if (!(l < u) || double.IsInfinity(l) || double.IsInfinity(u)) return (0, constant, Float64Error);
        var (k, b) = UpperLine(l, u);
        double error = LineError(k, b, l, u);
        return double.IsFinite(k) && double.IsFinite(b) && error < constant - function(l) ? (k, b, error) : (0, constant, Float64Error);
    }

    private (double Slope, double Intercept) UpperLine(double l, double u)
    {
        if (l >= 0)
        {
            double t = l + (u - l) / 2, slope = derivative(t);
            return (slope, function(t) - slope * t);
        }
        double fl = function(l), fu = function(u), chord = (fu - fl) / (u - l);
        if (u <= 0 || derivative(u) - Float64Error >= chord) return (chord, Math.Max(fl - chord * l, fu - chord * u));
        double tangent = Math.Max(TangentThrough(l, fl, u), l + (u - l) / 2), k = derivative(tangent);
        return (k, Math.Max(function(tangent) - k * tangent, fl - k * l));
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
