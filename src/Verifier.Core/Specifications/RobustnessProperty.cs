using Verifier.Core.Errors;
using Verifier.Core.Numerics;

namespace Verifier.Core.Specifications;

/// <summary>
/// Local L-infinity robustness around a flattened input, in the form the MNIST-FC VNN-LIB files use: the box
/// [x - eps, x + eps] clipped to the valid input range, unsafe iff some other logit is &gt;= the true label's
/// (one clause Y_true - Y_k &lt;= 0 per other class k).
/// </summary>
public static class RobustnessProperty
{
    /// <param name="source">What to name in errors and in the property (e.g. the image file).</param>
    public static SafetyProperty Create(ReadOnlySpan<double> center, double epsilon, int trueLabel, int classCount,
        double clipLower = 0, double clipUpper = 1, string source = "robustness property")
    {
        if (!double.IsFinite(epsilon) || epsilon < 0) throw new InputException(source, $"epsilon must be a finite number >= 0, got {epsilon}");
        if (!(double.IsFinite(clipLower) && double.IsFinite(clipUpper) && clipLower <= clipUpper))
            throw new InputException(source, $"the clip range [{clipLower}, {clipUpper}] is not a finite interval");
        if (classCount < 2) throw new InputException(source, $"robustness needs at least 2 classes, got {classCount}");
        if (trueLabel < 0 || trueLabel >= classCount) throw new InputException(source, $"label {trueLabel} is not a class in 0..{classCount - 1}");
        if (center.Length == 0) throw new InputException(source, "the input is empty");

        var eps = Rational.FromDouble(epsilon);
        var lower = new Literal[center.Length];
        var upper = new Literal[center.Length];
        for (int i = 0; i < center.Length; i++)
        {
            if (!double.IsFinite(center[i])) throw new InputException(source, $"input value {i} is {center[i]}");
            var x = Rational.FromDouble(center[i]);
            // Round outward so the box holds the whole exact ball: a proof then covers every point within eps.
            double lo = Math.Max(clipLower, RoundDown(center[i] - epsilon, x - eps));
            double hi = Math.Min(clipUpper, RoundUp(center[i] + epsilon, x + eps));
            if (lo > hi) throw new InputException(source, $"input value {i} = {center[i]} is farther than epsilon from the range [{clipLower}, {clipUpper}]");
            (lower[i], upper[i]) = (Literal.Of(lo), Literal.Of(hi));
        }
        var one = Literal.Of(new Rational(1, 1));
        var minusOne = Literal.Of(new Rational(-1, 1));
        var clauses = Enumerable.Range(0, classCount).Where(k => k != trueLabel)
            .Select(k => new OutputClause([new OutputConstraint(new Dictionary<int, Literal> { [trueLabel] = one, [k] = minusOne }, Literal.Of(Rational.Zero))]))
            .ToList();
        return new SafetyProperty(source, center.Length, classCount, [new PropertyCase(new InputBox(lower, upper), clauses)]);
    }

    private static double RoundDown(double rounded, Rational exact) => Rational.FromDouble(rounded) > exact ? Math.BitDecrement(rounded) : rounded;

    private static double RoundUp(double rounded, Rational exact) => Rational.FromDouble(rounded) < exact ? Math.BitIncrement(rounded) : rounded;
}
