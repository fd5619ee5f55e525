using Verifier.Core.Numerics;
using Verifier.Dlv;
using Verifier.Dlv.Network;
using Verifier.Dlv.Regions;
using Verifier.Dlv.Search;
using Verifier.Dlv.Smt;
using Verifier.Smt;

namespace Verifier.Tests.Dlv;

/// <summary>The method doc's network-independent cases: T9 (closed form), T10-T12, T19 (reset).</summary>
public class DlvPrimitivesTests
{
    [Fact]
    public void T9_ClosedFormContainmentOfTheExample()
    {
        var row = new AffineRow([0, 1], [0.5, -1.25], 0.3);
        var box = new[] { new RegionDim(0, 0.2, 1, 1), new RegionDim(1, 0.7, 1, 1) };
        double centre = row.Apply([0.2, 0.7]);
        Assert.Equal(2, RegionSynthesis.ContainmentSteps(row, box, centre, centre, sp: 1)); // R = 1.75: m = 1 fails, m = 2 holds
    }

    [Fact]
    public void T9_ClosedFormEqualsVertexMaximum()
    {
        // Property: the smallest m with max over the box of |w·x − w·a| ≤ m·sp. The max of an affine map over a
        // box is attained at a vertex, so enumerating vertices is an independent oracle for the closed form.
        var random = new Random(9);
        for (int trial = 0; trial < 300; trial++)
        {
            int n = random.Next(1, 6);
            var w = Enumerable.Range(0, n).Select(_ => Math.Round(random.NextDouble() * 4 - 2, 3)).ToArray();
            var box = Enumerable.Range(0, n).Select(i => new RegionDim(i, random.NextDouble(), Math.Round(random.NextDouble() + 0.05, 2), random.Next(1, 4))).ToArray();
            double sp = Math.Round(random.NextDouble() * 2 + 0.1, 2);
            var row = new AffineRow(Enumerable.Range(0, n).ToArray(), w, 0);
            double centre = row.Apply(box.Select(d => d.Centre).ToArray());
            double worst = 0;
            for (int mask = 0; mask < 1 << n; mask++)
                worst = Math.Max(worst, Math.Abs(row.Apply(box.Select((d, i) => (mask >> i & 1) == 0 ? d.Lower : d.Upper).ToArray()) - centre));
            int m = RegionSynthesis.ContainmentSteps(row, box, centre, centre, sp);
            Assert.True(worst <= m * sp + 1e-9, $"trial {trial}: m = {m} does not contain the image");
            Assert.True(m == 0 || worst > (m - 1) * sp + 1e-9, $"trial {trial}: m = {m} is not the smallest");
        }
    }

    [Fact]
    public void T9_Z3ContainmentQueryEqualsTheClosedForm()
    {
        var row = new AffineRow([0, 1], [0.5, -1.25], 0.3);
        var box = new[] { new RegionDim(0, 0.2, 1, 1), new RegionDim(1, 0.7, 1, 1) };
        double centre = row.Apply([0.2, 0.7]);
        Assert.Equal(Z3Status.Unsat, DlvQueries.Contains(row, box, [0.2, 0.7], centre, 1, 1));
        Assert.Equal(Z3Status.Sat, DlvQueries.Contains(row, box, [0.2, 0.7], centre, 2, 1));

        // Property over random (w, r, sp, m): Z3 sat ⇔ Σ|w_i|·r_i ≤ m·sp. An input outside the box shifts nothing.
        var random = new Random(19);
        for (int trial = 0; trial < 40; trial++)
        {
            int n = random.Next(1, 5);
            var w = Enumerable.Range(0, n + 1).Select(_ => Math.Round(random.NextDouble() * 4 - 2, 3)).ToArray();
            var boxDims = Enumerable.Range(0, n).Select(i => new RegionDim(i, Math.Round(random.NextDouble(), 3), Math.Round(random.NextDouble() + 0.05, 2), random.Next(1, 3))).ToArray();
            var previous = boxDims.Select(d => d.Centre).Append(0.7).ToArray();
            var r = new AffineRow(Enumerable.Range(0, n + 1).ToArray(), w, 0.1);
            double sp = Math.Round(random.NextDouble() * 2 + 0.1, 2);
            int m = random.Next(1, 5);
            double radius = boxDims.Sum(d => Math.Abs(w[d.Index]) * d.HalfWidth);
            if (Math.Abs(radius - m * sp) < 1e-6) continue; // exact boundaries depend on float rounding
            var expected = radius <= m * sp ? Z3Status.Sat : Z3Status.Unsat;
            Assert.Equal(expected, DlvQueries.Contains(r, boxDims, previous, r.Apply(previous), m, sp));
            Assert.Equal(radius <= m * sp, RegionSynthesis.ContainmentSteps(r, boxDims, r.Apply(previous), r.Apply(previous), sp) <= m);
        }
    }

    [Fact]
    public void T10_EnumerationCountsAndOrder()
    {
        var dims = new[] { new RegionDim(0, 0, 1, 4), new RegionDim(1, 0, 1, 4) };
        var corners = GridEnumeration.Counters(dims, Enumeration.Corners).ToList();
        Assert.Equal([[-4, -4], [4, -4], [-4, 4], [4, 4]], corners);
        Assert.Equal(81, GridEnumeration.Counters(dims, Enumeration.Lattice).Count());
        Assert.Equal(81, GridEnumeration.Count(dims, Enumeration.Lattice));
        Assert.Equal([[4, 4]], GridEnumeration.Counters(dims, Enumeration.Point));
        var five = Enumerable.Range(0, 5).Select(i => new RegionDim(i, 0, 1, 1)).ToArray();
        Assert.Equal(32, GridEnumeration.Counters(five, Enumeration.Corners).Count());
    }

    [Theory]
    [InlineData(0.3, 1.0)]
    [InlineData(0.7, 0.0)]
    [InlineData(0.5, 1.0)]
    [InlineData(1.0, 0.0)]
    [InlineData(0.0, 1.0)]
    public void T11_ApplyManipulation(double value, double expected) => Assert.Equal(expected, InputManipulation.Apply(value, 1, 1));

    [Fact]
    public void T12_DistancesOfOnePixel()
    {
        var original = new double[784];
        var changed = (double[])original.Clone();
        changed[100] = 1;
        var d = Distances.Between(original, changed);
        Assert.Equal((1, 1.0, 1.0), (d.L0, d.L1, d.L2));
        Assert.Equal(1.0 / 28, d.L2Normalised, 1e-12);
        Assert.Equal(1.0 / 784, d.L1Normalised, 1e-12);
    }

    [Fact]
    public void ExactSystemSolvesAndDetectsInconsistency()
    {
        static Rational R(double v) => Rational.FromDouble(v);
        var x = ExactLinearSystem.Solve([[R(2), R(1)], [R(1), R(-1)]], [R(5), R(1)])!;
        Assert.Equal([R(2), R(1)], x);
        Assert.Null(ExactLinearSystem.Solve([[R(1), R(1)], [R(2), R(2)]], [R(1), R(3)]));
        Assert.Equal([R(1), R(0)], ExactLinearSystem.Solve([[R(1), R(1)]], [R(1)])!); // free variable stays at 0
    }

    [Fact]
    public void T19_ResetClearsTheManipulatedSetWhenNoNewDimsRemain()
    {
        // twoDcurve has 2 inputs: with 2 dims per feature the second round finds no new dims.
        var options = new DlvOptions { FeatureDims = 2, NumFeatures = 3, InputLow = 0, InputHigh = 2 * Math.PI, Span = 0.01, Enumeration = Enumeration.Point };
        var withReset = HeuristicSearch.Run(PaperNetworks.TwoDCurve, PaperNetworks.CurvePoint, options);
        Assert.Equal((DlvOutcome.NoneFound, 3), (withReset.Outcome, withReset.Rounds));
        var without = HeuristicSearch.Run(PaperNetworks.TwoDCurve, PaperNetworks.CurvePoint, options with { ResetOnExhaustion = false });
        Assert.Equal((DlvOutcome.NoneFound, 1), (without.Outcome, without.Rounds));
    }
}
