using Verifier.Dlv;
using Verifier.Dlv.Network;
using Verifier.Dlv.Regions;
using Verifier.Dlv.Search;

namespace Verifier.Tests.Dlv;

/// <summary>The method doc's twoDcurve cases T2-T8 and T16 (paper §2 example).</summary>
public class TwoDCurveTests
{
    private static readonly DlvOptions CurveOptions = new()
    {
        FeatureDims = 2, NumFeatures = 1, InputLow = 0, InputHigh = 2 * Math.PI,
        Enumeration = Enumeration.Lattice, DenseRegion = RegionSynthMethod.Condense, CompatReluNotInverted = true,
    };

    private static LayeredNetwork Net => PaperNetworks.TwoDCurve;
    private static double[] X => PaperNetworks.CurvePoint;

    [Fact]
    public void T2_Forward()
    {
        var y = Net.Logits(X);
        Assert.Equal(0.00264695, y[0], 1e-6);
        Assert.Equal(0.99531292, y[1], 1e-6);
        Assert.Equal(1, Prediction.FromLogits(y).Class);
        Assert.True(X[1] < 1 + Math.Sqrt(10 * Math.Abs(X[0] - 3))); // the curve label is 1 too
    }

    [Fact]
    public void T3_InputGridOfNinePointsIsSafe()
    {
        var region = InputCandidates.InputRegion(X, [0, 1], CurveOptions);
        var result = RegionGuarantee.Run(Net, X, region, CurveOptions);
        Assert.Equal(DlvOutcome.SafeWithRespectToManipulations, result.Outcome);
        Assert.Equal(9, result.Evaluations);
    }

    [Fact]
    public void T4_GridIsNotExhaustive()
    {
        const int n = 201;
        var points = new List<double[]>(n * n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                points.Add([X[0] - 1 + 2.0 * i / (n - 1), X[1] - 1 + 2.0 * j / (n - 1)]);
        int classZero = Net.LogitsBatch(points).Count(l => Prediction.FromLogits(l).Class == 0);
        Assert.Equal(425, classZero);
    }

    [Fact]
    public void T5_FeatureDiscoveryAtLayerOne()
    {
        var post = Net.Activations(X)[Net.HiddenLayer(1)];
        Assert.Equal(0.411189, FeatureSelection.Mean(post), 1e-6);
        Assert.Equal([19, 17], FeatureSelection.TopByDistanceFromMean(post, 2));
        Assert.Equal(2.8419, post[19], 1e-4);
        Assert.Equal(1.4209, post[17], 1e-4);
    }

    [Fact]
    public void T6_CondenseRegion()
    {
        var input = InputCandidates.InputRegion(X, [0, 1], CurveOptions);
        var gemm = RegionSynthesis.AffineRegion(Net, Net.Activations(X), 1, input, CurveOptions).Dims.ToDictionary(d => d.Index);
        Assert.Equal(0.117846, gemm[17].Span, 1e-6);
        Assert.Equal(30, gemm[17].NumSpan);
        Assert.Equal(3.535376, gemm[17].HalfWidth, 1e-5);
        Assert.Equal(0.077788, gemm[19].Span, 1e-6);
        Assert.Equal(44, gemm[19].NumSpan);
        Assert.Equal(3.422672, gemm[19].HalfWidth, 1e-5);
    }

    [Fact]
    public void T7A_OriginalPrecisionFindsNothing()
    {
        var result = LayerAnalysis.Run(Net, X, [0, 1], 1, CurveOptions with { Precision = 1.0 });
        Assert.Equal(81, result.GridPoints);
        Assert.Single(result.InsideInputRegion);
        Assert.Equal(X, result.InsideInputRegion[0], (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.Empty(result.Adversarial);
    }

    [Theory]
    [InlineData(0.1, 261, new[] { -18, -27, -17, -26, -15, -23 })]
    [InlineData(0.0, 211, new[] { -18, -27, -15, -23 })]
    public void T7B_FinePrecisionExposesClassChanges(double tolerance, int inside, int[] expected)
    {
        var result = LayerAnalysis.Run(Net, X, [0, 1], 1, CurveOptions with { Precision = null }, inputTolerance: tolerance);
        var dims = result.Regions[^1].Dims;
        Assert.Equal([46, 44], new[] { dims.Single(d => d.Index == 17).NumSpan, dims.Single(d => d.Index == 19).NumSpan });
        Assert.Equal(93 * 89, result.GridPoints);
        Assert.Equal(inside, result.InsideInputRegion.Count);
        var found = result.Adversarial.Select(a => Counter(dims, a.Counter)).OrderBy(c => c.C17).ToArray();
        var want = expected.Chunk(2).Select(c => (C17: c[0], C19: c[1])).OrderBy(c => c.C17).ToArray();
        Assert.Equal(want, found);
        Assert.All(result.Adversarial, a => Assert.Equal(0, a.Example.Adversarial.Class));
    }

    [Fact]
    public void T7_AdversarialPointsInInputSpace()
    {
        var result = LayerAnalysis.Run(Net, X, [0, 1], 1, CurveOptions with { Precision = null });
        var dims = result.Regions[^1].Dims;
        var byCounter = result.Adversarial.ToDictionary(a => Counter(dims, a.Counter), a => a.Example.Input);
        AssertPoint(byCounter[(-18, -27)], 2.8173, 2.0689);
        AssertPoint(byCounter[(-17, -26)], 2.9329, 2.1456);
        AssertPoint(byCounter[(-15, -23)], 3.0185, 2.0391);
    }

    [Fact]
    public void T7_IntentModeInvertsReluAndKeepsTheAdversarialPoints()
    {
        var compat = LayerAnalysis.Run(Net, X, [0, 1], 1, CurveOptions with { Precision = null });
        var intent = LayerAnalysis.Run(Net, X, [0, 1], 1, CurveOptions with { Precision = null, CompatReluNotInverted = false });
        // Negative post-ReLU targets have no preimage, so the intent maps back at most what the code does.
        Assert.True(intent.MappedBack < compat.MappedBack);
        Assert.Equal(3, intent.Adversarial.Count);
    }

    [Fact]
    public void HeuristicSearchAtLayerOneReturnsAConfirmedAdversarialInput()
    {
        var result = HeuristicSearch.Run(Net, X, CurveOptions with { Precision = null }, paperLayer: 1);
        Assert.Equal(DlvOutcome.Adversarial, result.Outcome);
        var a = result.Adversarial!;
        Assert.Equal((1, 0), (a.Original.Class, a.Adversarial.Class));
        Assert.Equal(0, Prediction.FromLogits(Net.Logits(a.Input)).Class);
        Assert.True(a.Distances.Linf <= 1.1 + 1e-9); // inside the input region with the code's tolerance
    }

    [Fact]
    public void T16_DenseBackSolveIsTheUniqueExactSolution()
    {
        var options = CurveOptions with { Precision = null };
        var activations = Net.Activations(X);
        var regions = RegionSynthesis.Propagate(Net, activations, InputCandidates.InputRegion(X, [0, 1], options), Net.HiddenLayer(1), options);
        double p = regions[^1].Dims[0].Span;
        Assert.Equal(0.077788, p, 1e-6);
        var target = (double[])activations[Net.HiddenLayer(1)].Clone();
        target[17] -= 18 * p;
        target[19] -= 27 * p;
        var x = BackMapping.ToInput(Net, activations, regions, target, options)!;
        AssertPoint(x, 2.8173, 2.0689);
        var h = Net.Activations(x)[Net.HiddenLayer(1)];
        Assert.Equal(target[17], h[17], 1e-9);
        Assert.Equal(target[19], h[19], 1e-9);
        Assert.Equal(0, Prediction.FromLogits(Net.Logits(x)).Class);
        // Z3 (QF_LRA, equalities) returns the same unique model.
        var z3 = BackMapping.ToInput(Net, activations, regions, target, options with { SmtSlack = 0 })!;
        Assert.Equal(x, z3, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    private static (int C17, int C19) Counter(IReadOnlyList<RegionDim> dims, int[] counter)
    {
        int Of(int index) => counter[dims.Select((d, i) => (d, i)).Single(t => t.d.Index == index).i];
        return (Of(17), Of(19));
    }

    private static void AssertPoint(double[] x, double x0, double x1)
    {
        Assert.Equal(x0, x[0], 1e-4);
        Assert.Equal(x1, x[1], 1e-4);
    }
}
