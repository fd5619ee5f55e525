using Verifier.Core.Bounds;
using Verifier.Core.Evaluation;
using Verifier.Core.Graph;
using Verifier.Core.Tensors;

namespace Verifier.Tests.Bounds;

public class BoundSoundnessTests
{
    private static readonly BoundMode[] Modes = [BoundMode.Interval, BoundMode.Crown, BoundMode.AlphaCrown];

    public static TheoryData<string> Networks => new() { "mlp", "conv", "small-conv", "padded-conv", "smooth" };

    private static NetworkGraph Network(string kind, int seed) => kind switch
    {
        "mlp" => TestNetworks.Mlp(seed, 4, 12, 12, 12, 3),
        "conv" => TestNetworks.ConvNet(seed),
        "small-conv" => TestNetworks.ConvNet(seed, side: 4),
        "padded-conv" => TestNetworks.PaddedConvNet(seed),
        _ => TestNetworks.SmoothNet(seed),
    };

    /// <summary>A random box with float32 ends, so float32 inputs sampled in it stay in it.</summary>
    internal static (double[] Lower, double[] Upper) Box(Random random, int n, double width)
    {
        var lower = new double[n];
        var upper = new double[n];
        for (int i = 0; i < n; i++)
        {
            float c = (float)(random.NextDouble() * 2 - 1), r = (float)(random.NextDouble() * width);
            (lower[i], upper[i]) = (c - r, c + r);
        }
        return (lower, upper);
    }

    internal static float[] Sample(Random random, double[] lower, double[] upper) =>
        lower.Select((l, i) => random.Next(8) switch
        {
            0 => (float)l,
            1 => (float)upper[i],
            _ => Math.Clamp((float)(l + random.NextDouble() * (upper[i] - l)), (float)l, (float)upper[i]),
        }).ToArray();

    [Theory]
    [MemberData(nameof(Networks))]
    public void EveryValueOfTheFloat32AndFloat64NetworkLiesInsideTheBounds(string kind)
    {
        var random = new Random(7);
        for (int net = 0; net < 3; net++)
        {
            var graph = Network(kind, net);
            var analyzer = new BoundAnalyzer(graph);
            var (lower, upper) = Box(random, analyzer.InputSize, net % 2 == 0 ? 0.3 : 1.0);
            var spec = new LinearSpec(Enumerable.Range(0, 2 * analyzer.OutputSize).Select(_ => random.NextDouble() * 2 - 1).ToArray(), [0, 0]);
            foreach (var mode in Modes)
            {
                // AlphaCrown also optimises the intermediate bounds (as the search does at its root).
                var state = analyzer.Compute(lower, upper, mode, optimiseIntermediate: new AlphaOptions(Iterations: 5));
                Assert.False(state.Infeasible);
                var rows = analyzer.SpecBounds(state, spec, mode).Lower;
                for (int s = 0; s < (kind.EndsWith("conv") ? 10 : 25); s++)
                {
                    var x = Sample(random, lower, upper);
                    var v32 = Evaluator.EvaluateAll(graph, new Tensor<float>(graph.InputShape, x));
                    var v64 = Evaluator.EvaluateAll(graph, new Tensor<double>(graph.InputShape, x.Select(v => (double)v).ToArray()));
                    AssertTracesInside(state, v32, v64, $"{kind} {net} {mode}");
                    foreach (var y in new[] { v32[graph.Output].Data.Select(v => (double)v).ToArray(), v64[graph.Output].Data })
                        AssertRowsAbove(spec, rows, y, $"{kind} {net} {mode}");
                }
            }
        }
    }

    /// <summary>
    /// Branch and bound's sub-domains leave the output unrefined: every other value's bounds are the same bits, the
    /// output's contain the refined ones, and every trace stays inside.
    /// </summary>
    [Theory]
    [MemberData(nameof(Networks))]
    public void AnUnrefinedOutputChangesNothingElseAndStaysSound(string kind)
    {
        var random = new Random(13);
        var graph = Network(kind, 2);
        var analyzer = new BoundAnalyzer(graph);
        var (lower, upper) = Box(random, analyzer.InputSize, 0.5);
        var refined = analyzer.Compute(lower, upper, BoundMode.Crown);
        var unrefined = analyzer.Compute(lower, upper, BoundMode.Crown, refineOutput: false);
        bool looser = false;
        var unrefinedValues = unrefined.ToNetworkBounds();
        foreach (var (name, a) in refined.ToNetworkBounds().Values)
        {
            var b = unrefinedValues[name];
            if (name != graph.Output)
            {
                Assert.Equal(a.Lower, b.Lower);
                Assert.Equal(a.Upper, b.Upper);
                continue;
            }
            for (int j = 0; j < a.Lower.Length; j++)
            {
                Assert.True(b.Lower[j] <= a.Lower[j] && a.Upper[j] <= b.Upper[j], $"{kind} output {j}");
                looser |= b.Lower[j] < a.Lower[j] || a.Upper[j] < b.Upper[j];
            }
        }
        // The smooth network ends in a Softmax, a cut, whose refinement is its interval anyway.
        Assert.True(looser || kind == "smooth", "refining the output tightens it somewhere, so the flag is seen");
        for (int s = 0; s < 10; s++)
        {
            var x = Sample(random, lower, upper);
            AssertTracesInside(unrefined, Evaluator.EvaluateAll(graph, new Tensor<float>(graph.InputShape, x)),
                Evaluator.EvaluateAll(graph, new Tensor<double>(graph.InputShape, x.Select(v => (double)v).ToArray())), $"{kind} unrefined");
        }
    }

    /// <summary>
    /// On a point box the bounds are as tight as they get, so the float32 trace (and the float64 one, which
    /// rounds differently from the analysis) only stays inside thanks to the rounding margins.
    /// </summary>
    [Theory]
    [MemberData(nameof(Networks))]
    public void PointBoxesContainTheFloat32AndFloat64Traces(string kind)
    {
        var random = new Random(11);
        var graph = Network(kind, 1);
        var analyzer = new BoundAnalyzer(graph);
        for (int p = 0; p < 10; p++)
        {
            var x = Enumerable.Range(0, analyzer.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var point = x.Select(v => (double)v).ToArray();
            var v32 = Evaluator.EvaluateAll(graph, new Tensor<float>(graph.InputShape, x));
            var v64 = Evaluator.EvaluateAll(graph, new Tensor<double>(graph.InputShape, point));
            foreach (var mode in Modes)
            {
                var state = analyzer.Compute(point, point, mode);
                AssertTracesInside(state, v32, v64, $"{kind} point {p} {mode}");
            }
        }
    }

    /// <summary>
    /// Branch-and-bound children: a half box (and a ReLU split) computed with the parent's state intersected in, and
    /// the cheap estimate, still contain every float32 and float64 trace of the child (CROWN is not monotone in its
    /// input bounds, so tighter is typical, not guaranteed; soundness is what must hold).
    /// </summary>
    [Theory]
    [MemberData(nameof(Networks))]
    public void InheritedBoundsAndEstimatesOfChildrenStaySound(string kind)
    {
        var random = new Random(11);
        for (int net = 0; net < 2; net++)
        {
            var graph = Network(kind, net);
            var analyzer = new BoundAnalyzer(graph);
            var (lower, upper) = Box(random, analyzer.InputSize, 0.6);
            var parent = analyzer.Compute(lower, upper, BoundMode.Crown);
            int dim = random.Next(lower.Length);
            var childUpper = (double[])upper.Clone();
            childUpper[dim] = (float)(lower[dim] + (upper[dim] - lower[dim]) / 2);
            var children = new List<(string What, double[] Upper, BoundState State)>
            {
                ("inherited half", childUpper, analyzer.Compute(lower, childUpper, BoundMode.Crown, parent: parent)),
                ("estimated half", childUpper, analyzer.Estimate(lower, childUpper, parent)),
            };
            var layer = analyzer.Activations.FirstOrDefault();
            int neuron = layer is null ? -1 : random.Next(layer.Size);
            if (layer is not null)
                children.Add(("inherited split", upper, analyzer.Compute(lower, upper, BoundMode.Crown,
                    ReluSplits.None.With(layer.Index, layer.Size, neuron, 1), parent, analyzer.StepsBefore(layer))));
            foreach (var (what, top, state) in children)
            {
                if (state.Infeasible) continue;
                for (int s = 0; s < 20; s++)
                {
                    var x = Sample(random, lower, top);
                    var v32 = Evaluator.EvaluateAll(graph, new Tensor<float>(graph.InputShape, x));
                    var v64 = Evaluator.EvaluateAll(graph, new Tensor<double>(graph.InputShape, x.Select(v => (double)v).ToArray()));
                    // A ReLU split only covers the points on its side: skip the others.
                    if (what.EndsWith("split") && (v64[layer!.InputName].Data[neuron] < 0 || v32[layer.InputName].Data[neuron] < 0)) continue;
                    AssertTracesInside(state, v32, v64, $"{kind} {net} {what}");
                }
            }
        }
    }

    /// <summary>300 points of the box: their float32 and float64 traces stay inside the state's bounds.</summary>
    internal static void AssertSampledTracesInside(NetworkGraph graph, BoundState state, double[] lower, double[] upper,
        Random random, string label)
    {
        for (int s = 0; s < 300; s++)
        {
            var x = BoundSoundnessTests.Sample(random, lower, upper);
            var v32 = Evaluator.EvaluateAll(graph, new Tensor<float>(graph.InputShape, x));
            var v64 = Evaluator.EvaluateAll(graph, new Tensor<double>(graph.InputShape, x.Select(v => (double)v).ToArray()));
            BoundSoundnessTests.AssertTracesInside(state, v32, v64, label);
        }
    }

    /// <summary>Every value of the float32 and of the float64 trace lies inside the state's bounds.</summary>
    internal static void AssertTracesInside(BoundState state, IReadOnlyDictionary<string, Tensor<float>> v32, IReadOnlyDictionary<string, Tensor<double>> v64,
        string what)
    {
        foreach (var (name, tensor) in v32)
            AssertInside(state[name], tensor.Data.Select(v => (double)v).ToArray(), $"{what} float32 {name}");
        foreach (var (name, tensor) in v64)
            AssertInside(state[name], tensor.Data, $"{what} float64 {name}");
    }

    /// <summary>Every spec row's value at the output y is at least its lower bound.</summary>
    internal static void AssertRowsAbove(LinearSpec spec, double[] bounds, double[] y, string what)
    {
        for (int r = 0; r < spec.Rows; r++)
        {
            double value = 0;
            for (int j = 0; j < y.Length; j++) value += spec.Coefficients[r * y.Length + j] * y[j];
            Assert.True(value >= bounds[r], $"{what}: spec row {r} = {value} below its bound {bounds[r]}");
        }
    }

    private static void AssertInside(ValueBounds bounds, double[] values, string what)
    {
        for (int i = 0; i < values.Length; i++)
            Assert.True(values[i] >= bounds.Lower[i] && values[i] <= bounds.Upper[i],
                $"{what}[{i}] = {values[i]} outside [{bounds.Lower[i]}, {bounds.Upper[i]}]");
    }

    [Fact]
    public void CrownBeatsIntervalsAndAlphaBeatsCrownOnAverageNeverLooserPerRow()
    {
        var random = new Random(3);
        double ibpTotal = 0, crownTotal = 0, alphaTotal = 0;
        for (int net = 0; net < 6; net++)
        {
            var analyzer = new BoundAnalyzer(TestNetworks.Mlp(100 + net, 5, 20, 20, 20, 5));
            var (lower, upper) = Box(random, 5, 0.2);
            var spec = new LinearSpec(Enumerable.Range(0, 3 * 5).Select(_ => random.NextDouble() * 2 - 1).ToArray(), [1e9, 1e9, 1e9]);
            var ibp = analyzer.SpecBounds(analyzer.Compute(lower, upper, BoundMode.Interval), spec, BoundMode.Interval).Lower;
            var crownState = analyzer.Compute(lower, upper, BoundMode.Crown);
            var crown = analyzer.SpecBounds(crownState, spec, BoundMode.Crown).Lower;
            var alpha = analyzer.SpecBounds(crownState, spec, BoundMode.AlphaCrown).Lower;
            for (int r = 0; r < 3; r++)
            {
                Assert.True(alpha[r] >= crown[r], $"alpha {alpha[r]} < crown {crown[r]}");
                Assert.True(crown[r] >= ibp[r], $"crown {crown[r]} < interval {ibp[r]}");
            }
            ibpTotal += ibp.Sum();
            crownTotal += crown.Sum();
            alphaTotal += alpha.Sum();
        }
        Assert.True(crownTotal > ibpTotal + 1e-3, $"CROWN {crownTotal} is not tighter than IBP {ibpTotal}");
        Assert.True(alphaTotal > crownTotal + 1e-3, $"alpha-CROWN {alphaTotal} is not tighter than CROWN {crownTotal}");
    }

    /// <summary>
    /// The branching look-ahead fixes one neuron without recomputing anything: for a neuron of the last activation
    /// layer (nothing after it to recompute) it must equal the child's CROWN bound up to the literal allowance and
    /// the child's smaller float32 rounding allowance of the last affine layer (the estimate keeps the parent's).
    /// </summary>
    [Fact]
    public void SplitEstimateOfALastLayerNeuronEqualsTheChildsCrownBound()
    {
        var random = new Random(9);
        int compared = 0;
        for (int net = 0; net < 4; net++)
        {
            var analyzer = new BoundAnalyzer(TestNetworks.Mlp(400 + net, 5, 16, 16, 3));
            var (lower, upper) = Box(random, 5, 0.5);
            var spec = new LinearSpec(Enumerable.Range(0, 3).Select(_ => random.NextDouble() * 2 - 1).ToArray(), [0]);
            var state = analyzer.Compute(lower, upper, BoundMode.Crown);
            var layer = analyzer.Activations[^1];
            var input = state.ActivationInput(layer);
            foreach (int j in Enumerable.Range(0, layer.Size).Where(k => input.Lower[k] < 0 && input.Upper[k] > 0).Take(3))
                foreach (sbyte side in new sbyte[] { 1, -1 })
                {
                    double estimate = analyzer.SplitEstimate(state, spec, 0, layer, j, side);
                    var child = analyzer.Compute(lower, upper, BoundMode.Crown, ReluSplits.None.With(layer.Index, layer.Size, j, side));
                    double bound = analyzer.SpecBounds(child, spec, BoundMode.Crown).Lower[0];
                    Assert.True(Math.Abs(estimate - bound) <= 1e-6 * (1 + Math.Abs(bound)), $"net {net} neuron {j} side {side}: {estimate} against {bound}");
                    compared++;
                }
        }
        Assert.True(compared >= 6, $"only {compared} comparisons");
    }

    [Fact]
    public void OptimisedIntermediateBoundsAreTighterThanCrownOnes()
    {
        var random = new Random(5);
        double crownWidth = 0, alphaWidth = 0;
        for (int net = 0; net < 4; net++)
        {
            var analyzer = new BoundAnalyzer(TestNetworks.Mlp(300 + net, 6, 24, 24, 24, 4));
            var (lower, upper) = Box(random, 6, 0.4);
            var crown = analyzer.Compute(lower, upper, BoundMode.AlphaCrown);
            var alpha = analyzer.Compute(lower, upper, BoundMode.AlphaCrown, optimiseIntermediate: new AlphaOptions(Iterations: 20));
            Assert.True(alpha.UnstableCount() <= crown.UnstableCount());
            foreach (var layer in analyzer.Activations.Skip(1))
            {
                var (c, a) = (crown.ActivationInput(layer), alpha.ActivationInput(layer));
                for (int j = 0; j < layer.Size; j++)
                {
                    crownWidth += c.Upper[j] - c.Lower[j];
                    alphaWidth += a.Upper[j] - a.Lower[j];
                }
            }
        }
        Assert.True(alphaWidth < 0.98 * crownWidth, $"optimised intermediate widths {alphaWidth} against CROWN's {crownWidth}");
    }

    /// <summary>
    /// ReLU-split children of a root whose intermediate bounds were optimised refine theirs with the root's slopes
    /// (one set per neuron and side): every float32 and float64 trace that satisfies the split stays inside. On
    /// these small networks they are not tighter on average than CROWN's slopes (see the MNIST-FC test for that).
    /// </summary>
    [Fact]
    public void SplitChildrenRefinedWithTheRootsOptimisedSlopesStaySound()
    {
        var random = new Random(23);
        int checkedPoints = 0;
        for (int net = 0; net < 4; net++)
        {
            var graph = TestNetworks.Mlp(500 + net, 6, 24, 24, 24, 4);
            var analyzer = new BoundAnalyzer(graph);
            var (lower, upper) = Box(random, 6, 0.4);
            var root = analyzer.Compute(lower, upper, BoundMode.AlphaCrown, optimiseIntermediate: new AlphaOptions(Iterations: 20));
            var layer = analyzer.Activations[0];
            var input = root.ActivationInput(layer);
            foreach (int j in Enumerable.Range(0, layer.Size).Where(k => input.Lower[k] < 0 && input.Upper[k] > 0).Take(2))
                foreach (sbyte side in new sbyte[] { 1, -1 })
                {
                    var child = analyzer.Compute(lower, upper, BoundMode.AlphaCrown, ReluSplits.None.With(layer.Index, layer.Size, j, side), root,
                        analyzer.StepsBefore(layer));
                    if (child.Infeasible) continue;
                    for (int s = 0; s < 200; s++)
                    {
                        var x = Sample(random, lower, upper);
                        var v32 = Evaluator.EvaluateAll(graph, new Tensor<float>(graph.InputShape, x));
                        var v64 = Evaluator.EvaluateAll(graph, new Tensor<double>(graph.InputShape, x.Select(v => (double)v).ToArray()));
                        if (side * v32[layer.InputName].Data[j] < 0 || side * v64[layer.InputName].Data[j] < 0) continue;
                        checkedPoints++;
                        AssertTracesInside(child, v32, v64, $"net {net} split {j}/{side}");
                    }
                }
        }
        Assert.True(checkedPoints > 300, $"only {checkedPoints} sampled points satisfied the splits");
    }

    /// <summary>
    /// alpha-beta-CROWN on ReLU-split sub-domains: every sampled point that satisfies all split decisions (in
    /// float32 and float64) has spec rows above the optimised bounds, and the split multipliers tighten the bounds
    /// on average against the same optimisation with beta held at 0.
    /// </summary>
    [Fact]
    public void SplitMultipliersGiveSoundAndTighterBoundsOnSplitDomains()
    {
        var random = new Random(17);
        double withBeta = 0, withoutBeta = 0;
        int checkedPoints = 0;
        for (int net = 0; net < 6; net++)
        {
            var graph = TestNetworks.Mlp(200 + net, 4, 16, 16, 16, 3);
            var analyzer = new BoundAnalyzer(graph);
            var (lower, upper) = Box(random, 4, 0.5);
            var spec = new LinearSpec(Enumerable.Range(0, 3 * 3).Select(_ => random.NextDouble() * 2 - 1).ToArray(), [1e9, 1e9, 1e9]);
            var root = analyzer.Compute(lower, upper, BoundMode.Crown);
            var splits = ReluSplits.None;
            var decided = new List<(ActivationLayer Layer, int Neuron, sbyte Side)>();
            foreach (var layer in analyzer.Activations.Take(2))
            {
                var input = root.ActivationInput(layer);
                foreach (int j in Enumerable.Range(0, layer.Size).Where(k => input.Lower[k] < 0 && input.Upper[k] > 0).Take(2))
                {
                    sbyte side = random.Next(2) == 0 ? (sbyte)1 : (sbyte)-1;
                    splits = splits.With(layer.Index, layer.Size, j, side);
                    decided.Add((layer, j, side));
                }
            }
            var state = analyzer.Compute(lower, upper, BoundMode.Crown, splits);
            if (state.Infeasible || decided.Count == 0) continue;
            var rootOptimum = analyzer.SpecBounds(root, spec, BoundMode.AlphaCrown, new AlphaOptions(Iterations: 20));
            var beta = analyzer.SpecBounds(state, spec, BoundMode.AlphaCrown, new AlphaOptions(Iterations: 40), rootOptimum.Relaxations).Lower;
            var noBeta = analyzer.SpecBounds(state, spec, BoundMode.AlphaCrown, new AlphaOptions(Iterations: 40, BetaStep: 0), rootOptimum.Relaxations).Lower;
            withBeta += beta.Sum();
            withoutBeta += noBeta.Sum();
            for (int s = 0; s < 3000; s++)
            {
                var x = Sample(random, lower, upper);
                var v32 = Evaluator.EvaluateAll(graph, new Tensor<float>(graph.InputShape, x));
                var v64 = Evaluator.EvaluateAll(graph, new Tensor<double>(graph.InputShape, x.Select(v => (double)v).ToArray()));
                bool inside = decided.All(d => d.Side * v32[d.Layer.InputName].Data[d.Neuron] >= 0 && d.Side * v64[d.Layer.InputName].Data[d.Neuron] >= 0);
                if (!inside) continue;
                checkedPoints++;
                foreach (var y in new[] { v32[graph.Output].Data.Select(v => (double)v).ToArray(), v64[graph.Output].Data })
                    AssertRowsAbove(spec, beta, y, $"net {net} alpha-beta");
            }
        }
        Assert.True(checkedPoints > 500, $"only {checkedPoints} sampled points satisfied the splits");
        Assert.True(withBeta > withoutBeta + 1e-3, $"alpha-beta {withBeta} is not tighter than alpha alone {withoutBeta}");
    }

    [Fact]
    public void SplitsTightenTheActivationInputAndContradictionsAreInfeasible()
    {
        var graph = TestNetworks.Mlp(5, 2, 8, 8, 1);
        var analyzer = new BoundAnalyzer(graph);
        double[] lower = [-1, -1], upper = [1, 1];
        var state = analyzer.Compute(lower, upper, BoundMode.Crown);
        var layer = analyzer.Activations[0];
        var input = state.ActivationInput(layer);
        int j = Enumerable.Range(0, layer.Size).First(k => input.Lower[k] < 0 && input.Upper[k] > 0);
        var active = analyzer.Compute(lower, upper, BoundMode.Crown, ReluSplits.None.With(layer.Index, layer.Size, j, 1));
        Assert.Equal(0, active.ActivationInput(layer).Lower[j]);
        var inactive = analyzer.Compute(lower, upper, BoundMode.Crown, ReluSplits.None.With(layer.Index, layer.Size, j, -1));
        Assert.Equal(0, inactive.ActivationInput(layer).Upper[j]);
        Assert.True(active.UnstableCount() < state.UnstableCount());

        // Fixing a neuron inactive whose input is provably positive leaves nothing.
        var tiny = analyzer.Compute([0.1, 0.1], [0.1, 0.1], BoundMode.Crown);
        int stable = Enumerable.Range(0, layer.Size).First(k => tiny.ActivationInput(layer).Lower[k] > 0 || tiny.ActivationInput(layer).Upper[k] < 0);
        sbyte contradiction = tiny.ActivationInput(layer).Lower[stable] > 0 ? (sbyte)-1 : (sbyte)1;
        Assert.True(analyzer.Compute([0.1, 0.1], [0.1, 0.1], BoundMode.Crown, ReluSplits.None.With(layer.Index, layer.Size, stable, contradiction)).Infeasible);
    }
}
