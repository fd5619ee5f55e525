using Verifier.Dlv;
using Verifier.Dlv.Network;
using Verifier.Dlv.Regions;
using Verifier.Dlv.Search;

namespace Verifier.Tests.Dlv;

/// <summary>The method doc's MNIST cases: T1 accuracy, T13 (features at conv1), T14 (input-layer walk), T17-T19.</summary>
public class MnistDlvTests
{
    private static LayeredNetwork Net => PaperNetworks.Mnist;

    [Fact]
    public void T1_TestAccuracyIs9908AndOurEvaluatorAgreesWithOnnxRuntime()
    {
        // The reference runtime scores all 10,000 images (checks the fixture and our idx reader); our importer and
        // evaluator must then reproduce its logits on a prefix (the full set takes minutes on the 2-core CI).
        var data = PaperNetworks.MnistTestSet;
        var pixels = data.ToFloat32();
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(Verifier.Tests.Support.SharedData.Benchmarks("dlv", "mnist_cnn.onnx"));
        float[] Reference(int i)
        {
            var tensor = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(pixels.AsMemory(i * 784, 784), [1, 1, 28, 28]);
            using var results = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("input", tensor)]);
            return results.First().AsEnumerable<float>().ToArray();
        }
        var reference = Enumerable.Range(0, data.Count).Select(Reference).ToArray();
        Assert.Equal(9908, reference.Where((l, i) => Array.IndexOf(l, l.Max()) == data.Labels[i]).Count());

        const int prefix = 50;
        var ours = Verifier.Core.Evaluation.Evaluator.EvaluateBatch<float>(Net.Graph, pixels[..(prefix * 784)], prefix);
        for (int i = 0; i < prefix; i++)
            for (int k = 0; k < 10; k++) Assert.Equal(reference[i][k], ours[i * 10 + k], 1e-4);
        var p = Prediction.FromLogits(Net.Logits(PaperNetworks.MnistImage(2448)));
        Assert.Equal((9, 0.998310), (p.Class, Math.Round(p.Confidence, 6)));
    }

    [Fact]
    public void T13_InputFeatureAndConvNeurons()
    {
        var image = PaperNetworks.MnistImage(2448);
        Assert.Equal(0.124030, FeatureSelection.Mean(image), 1e-6);
        var pixels = FeatureSelection.TopByDistanceFromMean(image, 5);
        Assert.Equal([6 * 28 + 15, 6 * 28 + 14, 7 * 28 + 13, 7 * 28 + 14, 8 * 28 + 11], pixels);

        var options = new DlvOptions { SmtRegionSteps = true }; // Z3 (Q1) decides each m_j
        var activations = Net.Activations(image);
        var regions = RegionSynthesis.Propagate(Net, activations, InputCandidates.InputRegion(image, pixels, options), Net.HiddenLayer(1), options);
        var conv = regions[1].Dims;
        int Neuron(int c, int y, int x) => (c * 26 + y) * 26 + x;
        Assert.Equal([Neuron(28, 6, 13), Neuron(5, 6, 14), Neuron(23, 7, 11), Neuron(23, 6, 13), Neuron(23, 8, 9)], conv.Select(d => d.Index));
        Assert.Equal([2, 1, 1, 2, 1], conv.Select(d => d.NumSpan));
        Assert.Equal([1.37043, 1.33067, 1.44851, 1.28458, 1.52577], conv.Select(d => Math.Round(d.Centre, 5)));
        var radii = conv.Select(d => AffineRows.Row(Net.Layers[1], Net.Layers[0].Shape, d.Index))
            .Select(row => pixels.Sum(p => Math.Abs(row.WeightOf(p)))).Select(r => Math.Round(r, 5));
        Assert.Equal([1.04807, 0.89405, 0.66387, 1.22081, 0.44526], radii);
    }

    public static TheoryData<int, int, int, int, double, double, double, double, double> WalkCases => new()
    {
        { 0, 15, 75, 3, 0.4195, 7.5639, 64.4039, 0.2701, 0.0821 },
        { 1, 23, 115, 3, 0.3793, 9.6492, 101.8314, 0.3446, 0.1299 },
        { 2, 5, 25, 3, 0.3768, 4.7646, 23.7725, 0.1702, 0.0303 },
        { 3, 15, 75, 2, 0.2899, 8.5634, 74.1608, 0.3058, 0.0946 },
        { 4, 13, 65, 2, 0.1778, 7.3663, 58.9569, 0.2631, 0.0752 },
        { 5, 5, 25, 8, 0.3715, 4.9804, 24.9020, 0.1779, 0.0318 },
        { 6, 7, 35, 8, 0.5571, 5.8783, 34.7765, 0.2099, 0.0444 },
        { 7, 17, 85, 5, 0.1307, 8.2014, 74.5647, 0.2929, 0.0951 },
        { 8, 52, 260, 3, 0.4696, 14.8977, 237.2745, 0.5321, 0.3026 },
        { 9, 8, 40, 8, 0.5428, 6.3029, 39.8627, 0.2251, 0.0508 },
    };

    [Theory]
    [MemberData(nameof(WalkCases))]
    public void T14_DeterministicInputLayerWalk(int index, int rounds, int pixels, int newClass, double p, double l2, double l1, double l2Norm, double l1Norm)
    {
        var image = PaperNetworks.MnistImage(index);
        var result = HeuristicSearch.Run(Net, image, new DlvOptions { Enumeration = Enumeration.Point });
        Assert.Equal(DlvOutcome.Adversarial, result.Outcome);
        Assert.Equal(PaperNetworks.MnistTestSet.Labels[index], result.Original.Class);
        var a = result.Adversarial!;
        Assert.Equal((rounds, pixels, newClass), (result.Rounds, a.Distances.L0, a.Adversarial.Class));
        Assert.Equal(p, a.Adversarial.Confidence, 1e-4);
        Assert.Equal(l2, a.Distances.L2, 1e-4);
        Assert.Equal(l1, a.Distances.L1, 1e-4);
        Assert.Equal(l2Norm, a.Distances.L2Normalised, 1e-4);
        Assert.Equal(l1Norm, a.Distances.L1Normalised, 1e-4);
    }

    [Fact]
    public void T17_FlattenKeepsTheRowMajorIndexCompatReproducesTheBug()
    {
        var pooled = Net.Layers.Single(l => l.Kind == LayerKind.MaxPool); // 32×12×12
        int c = 3, i = 5, j = 7, index = (c * 12 + i) * 12 + j;
        Assert.Equal(c * 144 + i * 12 + 12, RegionSynthesis.CompatFlatIndex(pooled, index));
        var image = PaperNetworks.MnistImage(0);
        var activations = Net.Activations(image);
        int flatten = pooled.Index + 1;
        var region = new Region(pooled.Index, [new RegionDim(index, activations[pooled.Index][index], 1, 1)]);
        Assert.Equal(LayerKind.Flatten, Net.Layers[flatten].Kind);
        Assert.Equal(c * 144 + i * 12 + j, RegionSynthesis.Step(Net, activations, region, new DlvOptions()).Dims.Single().Index);
        Assert.Equal(c * 144 + i * 12 + 12, RegionSynthesis.Step(Net, activations, region, new DlvOptions { CompatFlattenIndex = true }).Dims.Single().Index);
    }

    [Fact]
    public void T18_MaxPoolMapsToTheCoveringCellAndInvertsToTheWindowMax()
    {
        var pool = Net.Layers.Single(l => l.Kind == LayerKind.MaxPool);
        var input = Net.Layers[pool.Index - 1];
        var op = (Verifier.Core.Operators.Pool)pool.Node!.Operator;
        int c = 7, y = 9, x = 14;
        Assert.Equal((c * 12 + y / 2) * 12 + x / 2, RegionSynthesis.PooledIndex(op, input, pool, (c * 24 + y) * 24 + x));

        var activations = Net.Activations(PaperNetworks.MnistImage(0));
        int o = (c * 12 + 4) * 12 + 7;
        double target = activations[pool.Index][o] + 0.5;
        var point = (double[])activations[pool.Index].Clone();
        point[o] = target;
        var intent = (double[])activations[input.Index].Clone();
        Assert.True(BackMapping.InvertMaxPool(Net, pool.Index, [o], point, intent, compatTopLeft: false));
        var window = new[] { (8, 14), (8, 15), (9, 14), (9, 15) }.Select(p => intent[(c * 24 + p.Item1) * 24 + p.Item2]);
        Assert.Equal(target, window.Max());
        var compat = (double[])activations[input.Index].Clone();
        BackMapping.InvertMaxPool(Net, pool.Index, [o], point, compat, compatTopLeft: true);
        Assert.Equal(target, compat[(c * 24 + 8) * 24 + 14]);
    }

    [Fact]
    public void T19_RoundsAndManipulatedDimsAreBounded()
    {
        var image = PaperNetworks.MnistImage(2); // flips in round 5 (T14)
        var options = new DlvOptions { Enumeration = Enumeration.Point, FeatureDims = 5 };
        var stopped = HeuristicSearch.Run(Net, image, options with { NumFeatures = 4 });
        Assert.Equal((DlvOutcome.NoneFound, 4), (stopped.Outcome, stopped.Rounds));
        var found = HeuristicSearch.Run(Net, image, options with { NumFeatures = 5 });
        Assert.True(found.Adversarial!.Distances.L0 <= 5 * 5);
    }

    [Fact]
    public void ExhaustiveSearchStaysWithinItsDistanceBudget()
    {
        var image = PaperNetworks.MnistImage(2);
        var options = new DlvOptions { DistanceBudget = 0.031, MaxExpansions = 6 };
        var result = BestFirstSearch.Run(Net, image, options);
        Assert.Equal(DlvOutcome.Adversarial, result.Outcome);
        var a = result.Adversarial!;
        Assert.True(a.Distances.L1Normalised <= options.DistanceBudget);
        Assert.NotEqual(result.Original.Class, Prediction.FromLogits(Net.Logits(a.Input)).Class);
        Assert.Equal(0, a.Distances.L0 % 5); // whole features of 5 pixels
    }

    [Theory]
    [InlineData(null, 2448)]
    [InlineData(1.0, 0)]
    public void LayerOneRoundMapsConvCornersBackOntoTheFeaturePixels(double? smtSlack, int index)
    {
        var image = PaperNetworks.MnistImage(index);
        var pixels = FeatureSelection.TopByDistanceFromMean(image, 5);
        var options = new DlvOptions { Enumeration = Enumeration.Corners, SmtSlack = smtSlack };
        var round = LayerAnalysis.Run(Net, image, pixels, 1, options);
        Assert.Equal(32, round.GridPoints);
        var conv = round.Regions[1].Dims;
        foreach (var x in round.InsideInputRegion)
        {
            Assert.All(Enumerable.Range(0, 784).Except(pixels), i => Assert.Equal(image[i], x[i]));
            Assert.All(pixels, p => Assert.InRange(x[p], 0, 1));
            // Each chosen conv1 neuron lands on one corner of its grid: centre ± m·sp (within the slack when Z3 maps back).
            var y = Net.Activations(x)[1];
            foreach (var d in conv)
            {
                double off = Math.Abs(Math.Abs(y[d.Index] - d.Centre) - d.HalfWidth);
                Assert.True(off <= (smtSlack ?? 0) * d.Span + 1e-6, $"neuron {d.Index} is {off} away from its corner");
            }
        }
        if (smtSlack is null) Assert.Empty(round.InsideInputRegion); // exact corners need pixels outside [0, 1] here
        else Assert.NotEmpty(round.InsideInputRegion);
    }
}
