using Verifier.Core.Bounds;

namespace Verifier.Core.Operators;

public abstract partial class UnaryOperator
{
    /// <summary>
    /// Bounds of a monotone non-decreasing elementwise function whose float32 evaluation is within a relative
    /// <paramref name="relativeError"/> (plus <paramref name="absoluteError"/>) of the exact value, clamped to its range.
    /// </summary>
    protected static ValueBounds Monotone(ValueBounds x, Func<double, double> f, double relativeError, double absoluteError, double min, double max)
    {
        var lower = new double[x.Length];
        var upper = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double lo = f(x.Lower[i]), hi = f(x.Upper[i]);
            lower[i] = Math.Max(min, Rounding.Down(lo - Math.Abs(lo) * relativeError - absoluteError));
            upper[i] = Math.Min(max, Rounding.Up(hi + Math.Abs(hi) * relativeError + absoluteError));
        }
        return new ValueBounds(lower, upper);
    }
}

public sealed partial class Relu
{
    public override double? NegativeSlope => 0;

    /// <summary>Exact in every precision.</summary>
    public override ValueBounds IntervalBounds(BoundSignature signature, IReadOnlyList<ValueBounds> inputs) =>
        Monotone(inputs[0], static v => Math.Max(v, 0), 0, 0, 0, double.PositiveInfinity);
}

public sealed partial class LeakyRelu
{
    public override double? NegativeSlope => Alpha is >= 0 and <= 1 ? Alpha : null;

    /// <summary>alpha * x is rounded once in float32; an alpha outside [0, 1] is handled by its three critical points.</summary>
    public override ValueBounds IntervalBounds(BoundSignature signature, IReadOnlyList<ValueBounds> inputs)
    {
        double a = Alpha;
        Func<double, double> f = v => v >= 0 ? v : a * v;
        if (a >= 0) return Monotone(inputs[0], f, Rounding.Unit32, 0, double.NegativeInfinity, double.PositiveInfinity);
        var x = inputs[0];
        var lower = new double[x.Length];
        var upper = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double p = f(x.Lower[i]), q = f(x.Upper[i]), z = x.Lower[i] < 0 && x.Upper[i] > 0 ? 0 : p;
            double lo = Math.Min(Math.Min(p, q), z), hi = Math.Max(Math.Max(p, q), z);
            lower[i] = Rounding.Down(lo - Math.Abs(lo) * Rounding.Unit32);
            upper[i] = Rounding.Up(hi + Math.Abs(hi) * Rounding.Unit32);
        }
        return new ValueBounds(lower, upper);
    }
}

/// <summary>
/// Sigmoid and Tanh are monotone and S-shaped (<see cref="SShapedRelaxation"/>). System.Numerics.Tensors evaluates
/// them in float32 within a relative 1e-6 plus an absolute term: measured over every third float32 (all exponents),
/// sigmoid was off by at most 2.2e-7 relative, tanh by 1.5e-7 absolute (its vectorised path gives -5.96e-8 at 0,
/// so near 0 the error is not relative), hence 1e-37 (below float32's normal range) for sigmoid and 2^-21 for tanh.
/// </summary>
public sealed partial class Sigmoid
{
    private static readonly SShapedRelaxation Shape = new(Logistic, static v => Logistic(v) * (1 - Logistic(v)), 0.5, 1e-6, 1e-37);

    private static double Logistic(double v) => 1 / (1 + Math.Exp(-v));

    public override ValueBounds IntervalBounds(BoundSignature signature, IReadOnlyList<ValueBounds> inputs) =>
        Monotone(inputs[0], Logistic, 1e-6, 1e-37, 0, 1);

    public override bool Relaxes => true;

    public override LinearRelaxation? Relax(BoundSignature signature, ValueBounds input) => Shape.Relax(input);
}

public sealed partial class Tanh
{
    private const double AbsoluteError = 1.0 / (1 << 21);

    private static readonly SShapedRelaxation Shape = new(Math.Tanh, static v => 1 - Math.Tanh(v) * Math.Tanh(v), 0, 1e-6, AbsoluteError);

    public override ValueBounds IntervalBounds(BoundSignature signature, IReadOnlyList<ValueBounds> inputs) =>
        Monotone(inputs[0], Math.Tanh, 1e-6, AbsoluteError, -1, 1);

    public override bool Relaxes => true;

    public override LinearRelaxation? Relax(BoundSignature signature, ValueBounds input) => Shape.Relax(input);
}

public sealed partial class Softmax
{
    /// <summary>
    /// y_i = 1 / (1 + sum_{j != i} exp(x_j - x_i)) is decreasing in every x_j and increasing in x_i, which gives
    /// the box. Float32 evaluation (exp of n terms, a sum and a division) is within a relative
    /// 4 gamma_{n+8}(u32) of the exact value.
    /// </summary>
    public override ValueBounds IntervalBounds(BoundSignature signature, IReadOnlyList<ValueBounds> inputs)
    {
        var s = signature.InputShapes[0];
        int axis = Normalised(s);
        int outer = s.Product(0, axis);
        int n = CoerceTo2D ? s.Product(axis, s.Rank) : s[axis];
        int inner = CoerceTo2D ? 1 : s.Product(axis + 1, s.Rank);
        var x = inputs[0];
        var lower = new double[x.Length];
        var upper = new double[x.Length];
        double rel = 4 * Rounding.Gamma(n + 8, Rounding.Unit32);
        for (int o = 0; o < outer; o++)
            for (int t = 0; t < inner; t++)
            {
                int b = o * n * inner + t;
                for (int i = 0; i < n; i++)
                {
                    double sumHigh = 0, sumLow = 0;
                    for (int j = 0; j < n; j++)
                    {
                        if (j == i) continue;
                        sumHigh += Math.Exp(x.Upper[b + j * inner] - x.Lower[b + i * inner]);
                        sumLow += Math.Exp(x.Lower[b + j * inner] - x.Upper[b + i * inner]);
                    }
                    double lo = 1 / (1 + sumHigh), hi = 1 / (1 + sumLow);
                    if (double.IsNaN(lo)) lo = 0;
                    if (double.IsNaN(hi)) hi = 1;
                    lower[b + i * inner] = Math.Max(0, Rounding.Down(lo * (1 - rel)));
                    upper[b + i * inner] = Math.Min(1, Rounding.Up(hi * (1 + rel)));
                }
            }
        return new ValueBounds(lower, upper);
    }
}
