using Verifier.Core.Bounds;

namespace Verifier.Core.Operators;

/// <summary>
/// alpha-CROWN's parameters of a sigmoid or tanh relaxation: per element and side, where the tangent line touches
/// f, as a fraction theta in [0, 1] of its <see cref="SShapedRelaxation.TangentRange"/> (upper lines first, then the
/// lower lines, whose tangent points lie in the reflected interval). Every theta gives a sound line (each is built
/// as the relaxation builds CROWN's); elements whose lines are chords or constants have no say.
/// </summary>
internal sealed class TangentPoints(SShapedRelaxation shape, LinearRelaxation relaxation, double[] lower, double[] upper,
    SShapedRelaxation.TangentRange?[] upperRanges, SShapedRelaxation.TangentRange?[] lowerRanges) : IRelaxationParameters
{
    private int Size => upperRanges.Length;

    public double[] Start()
    {
        var theta = new double[2 * Size];
        for (int i = 0; i < Size; i++) (theta[i], theta[Size + i]) = (Fraction(upperRanges[i]), Fraction(lowerRanges[i]));
        return theta;

        static double Fraction(SShapedRelaxation.TangentRange? r) =>
            r is { } range && range.High > range.Low ? (range.Start - range.Low) / (range.High - range.Low) : 0;
    }

    public LinearRelaxation With(double[] theta)
    {
        var (lowerSlope, lowerIntercept) = ((double[])relaxation.Lower.Clone(), (double[])relaxation.LowerIntercept.Clone());
        var (upperSlope, upperIntercept) = ((double[])relaxation.Upper.Clone(), (double[])relaxation.UpperIntercept.Clone());
        for (int i = 0; i < Size; i++)
        {
            if (upperRanges[i] is { } up) (upperSlope[i], upperIntercept[i]) = shape.UpperLine(lower[i], upper[i], Point(up, theta[i]));
            if (lowerRanges[i] is { } low) (lowerSlope[i], lowerIntercept[i]) = shape.LowerLine(lower[i], upper[i], Point(low, theta[Size + i]));
        }
        return relaxation with { Lower = lowerSlope, Upper = upperSlope, LowerIntercept = lowerIntercept, UpperIntercept = upperIntercept };
    }

    /// <summary>
    /// Upper line f'(t) (x - t) + f(t): d/dt = f''(t) (x - t). Lower line 2 f(0) - (f'(t) (-x - t) + f(t)) for t in
    /// the reflected interval: d/dt = -f''(t) (-x - t). Times dt/dtheta = the range's width.
    /// </summary>
    public void Gradient(double[] theta, ReadOnlySpan<double> c, ReadOnlySpan<double> x, double[] gradient)
    {
        for (int i = 0; i < Size; i++)
        {
            (gradient[i], gradient[Size + i]) = (0, 0);
            if (c[i] < 0 && upperRanges[i] is { } up)
            {
                double t = Point(up, theta[i]);
                gradient[i] = c[i] * shape.Curvature(t) * (x[i] - t) * (up.High - up.Low);
            }
            else if (c[i] > 0 && lowerRanges[i] is { } low)
            {
                double t = Point(low, theta[Size + i]);
                gradient[Size + i] = -c[i] * shape.Curvature(t) * (-x[i] - t) * (low.High - low.Low);
            }
        }
    }

    public void Project(double[] theta)
    {
        for (int i = 0; i < theta.Length; i++) theta[i] = Clamp(theta[i]);
    }

    private static double Clamp(double theta) => theta > 0 ? Math.Min(theta, 1) : 0; // NaN too

    private static double Point(SShapedRelaxation.TangentRange range, double theta) => range.Low + Clamp(theta) * (range.High - range.Low);
}
