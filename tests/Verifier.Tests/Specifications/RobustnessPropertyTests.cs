using Verifier.Core.Errors;
using Verifier.Core.Numerics;
using Verifier.Core.Results;
using Verifier.Core.Specifications;
using Verifier.Core.Specifications.VnnLib;

namespace Verifier.Tests.Specifications;

public class RobustnessPropertyTests
{
    /// <summary>The exact decimal expansion of a double (every double is a finite decimal).</summary>
    private static string Exact(Literal l) => l.Exact.ToDecimalString(1100);

    [Fact]
    public void MatchesTheEquivalentVnnLibFile()
    {
        double[] x = [0.5, 0.98, 0.0];
        var p = RobustnessProperty.Create(x, 0.05, trueLabel: 1, classCount: 3);
        var box = Assert.Single(p.Cases).Box;
        Assert.Equal((3, 3), (p.InputCount, p.OutputCount));
        Assert.Equal(1.0, box.Upper[1].Value);
        Assert.Equal(0.0, box.Lower[2].Value);

        var text = "(declare-const X_0 Real) (declare-const X_1 Real) (declare-const X_2 Real)\n"
            + "(declare-const Y_0 Real) (declare-const Y_1 Real) (declare-const Y_2 Real)\n"
            + string.Concat(Enumerable.Range(0, 3).Select(i => $"(assert (<= X_{i} {Exact(box.Upper[i])})) (assert (>= X_{i} {Exact(box.Lower[i])}))\n"))
            + "(assert (or (and (>= Y_0 Y_1)) (and (>= Y_2 Y_1))))";
        var parsed = VnnLibParser.ParseText(text, "equivalent.vnnlib");
        Assert.Equal(PropertyText.Canonical(parsed), PropertyText.Canonical(p));
        Assert.Equal(PropertyText.Canonical(p), PropertyText.Canonical(VnnLibParser.ParseText(VnnLibWriter.Format(p), "written.vnnlib")));
    }

    [Fact]
    public void BoxIsRoundedOutwardSoItHoldsTheWholeBall()
    {
        var random = new Random(7);
        var x = Enumerable.Range(0, 200).Select(_ => random.NextDouble()).ToArray();
        const double Eps = 0.1;
        var box = RobustnessProperty.Create(x, Eps, 0, 2, clipLower: -10, clipUpper: 10).Cases[0].Box;
        var eps = Rational.FromDouble(Eps);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(box.Lower[i].Exact <= Rational.FromDouble(x[i]) - eps);
            Assert.True(box.Upper[i].Exact >= Rational.FromDouble(x[i]) + eps);
            Assert.Equal(box.Lower[i].Exact, Rational.FromDouble(box.Lower[i].Value));
            Assert.True(box.Upper[i].Value - box.Lower[i].Value <= 2 * Eps + 1e-15);
        }
    }

    [Fact]
    public void AnAdversarialPointIsAValidatedWitness()
    {
        // Tiny network: y0 = relu(x0 - x1), y1 = relu(0.5 x0 + 0.5 x1) - 0.125. At (0.3, 0.3): y0 = 0 < y1 = 0.175.
        var net = WitnessCheckTests.TinyNetwork();
        var p = RobustnessProperty.Create([0.3, 0.3], 0.2, trueLabel: 1, classCount: 2);
        Assert.Null(WitnessCheck.Validate(net, p, [0.3, 0.3], out _));
        // At (0.5, 0.1): y0 = 0.4 >= y1 = 0.175, so class 0 wins inside the ball.
        var w = WitnessCheck.Validate(net, p, [0.5, 0.1], out _);
        Assert.NotNull(w);
        Assert.Null(WitnessCheck.Validate(net, p, [0.51, 0.1], out _));
    }

    [Theory]
    [InlineData(-0.1, 0, 3, "epsilon")]
    [InlineData(double.NaN, 0, 3, "epsilon")]
    [InlineData(0.1, 3, 3, "label 3")]
    [InlineData(0.1, 0, 1, "at least 2 classes")]
    public void BadParametersAreInputErrors(double eps, int label, int classes, string problem)
    {
        var e = Assert.Throws<InputException>(() => RobustnessProperty.Create([0.5], eps, label, classes, source: "--epsilon"));
        Assert.Equal("--epsilon", e.Source);
        Assert.Contains(problem, e.Problem);
    }

    [Fact]
    public void PointsFarOutsideTheClipRangeAreInputErrors()
    {
        Assert.Contains("farther than epsilon", Assert.Throws<InputException>(() => RobustnessProperty.Create([2.0], 0.1, 0, 2)).Problem);
        Assert.Contains("is NaN", Assert.Throws<InputException>(() => RobustnessProperty.Create([double.NaN], 0.1, 0, 2)).Problem);
    }
}
