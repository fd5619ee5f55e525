using Verifier.Core.Bounds;
using Verifier.Core.Evaluation;
using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;

namespace Verifier.Tests.Bounds;

/// <summary>
/// The linear relaxations of nonlinear operators (sigmoid, tanh, Clip, MaxPool): each line against the float32 and
/// float64 operator on a fine grid of its input interval, and whole networks through them against sampled traces.
/// </summary>
public class RelaxationTests
{
    private const double Inf = double.PositiveInfinity;

    /// <summary>Points, the convex and the concave part, both, very wide, tiny, saturated and unbounded intervals.</summary>
    private static readonly (double L, double U)[] SmoothIntervals =
    [
        (0.3, 0.3), (0, 0), (-4, -1), (1, 4), (-2, 3), (-0.1, 8), (-8, 0.1), (-0.5, 0.5), (-1000, 1000), (-60, 60),
        (1e-7, 2e-7), (-3e-8, 1e-8), (-100, -90), (90, 100), (-20, -19.5), (-Inf, 2), (-3, Inf), (-Inf, Inf),
    ];

    public static TheoryData<string> SmoothOperators => new() { "Sigmoid", "Tanh" };

    private static Operator Smooth(string name) => name == "Sigmoid" ? new Sigmoid() : new Tanh();

    private static BoundSignature Elementwise(int n) => new([new Shape(1, n)], [null], new Shape(1, n));

    /// <summary>The operator, <see cref="SmoothIntervals"/> as bounds, and its relaxation over them.</summary>
    private static (Operator Op, ValueBounds Bounds, LinearRelaxation Relaxation) SmoothRelaxation(string name)
    {
        var op = Smooth(name);
        var bounds = new ValueBounds(SmoothIntervals.Select(i => i.L).ToArray(), SmoothIntervals.Select(i => i.U).ToArray());
        return (op, bounds, op.Relax(Elementwise(bounds.Length), bounds)!);
    }

    [Theory]
    [MemberData(nameof(SmoothOperators))]
    public void SmoothLinesEncloseTheFloat32AndFloat64FunctionOnAFineGrid(string name)
    {
        var (op, bounds, relaxation) = SmoothRelaxation(name);
        var interval = op.IntervalBounds(Elementwise(bounds.Length), [bounds]);
        for (int i = 0; i < bounds.Length; i++)
        {
            var (l, u) = SmoothIntervals[i];
            var grid = Grid(l, u, 4001);
            double lineGap = AssertLinesEnclose(op, relaxation, i, bounds.Length, grid, $"{name} [{l}, {u}]");
            // Where the lines can gain (a finite interval over which f varies), they beat the constant interval bounds on average.
            if (double.IsFinite(l) && double.IsFinite(u) && u - l <= 10 && interval.Upper[i] - interval.Lower[i] > 1e-2)
                Assert.True(lineGap < 0.8 * (interval.Upper[i] - interval.Lower[i]),
                    $"{name} [{l}, {u}]: mean gap {lineGap} against the interval's {interval.Upper[i] - interval.Lower[i]}");
        }
    }

    /// <summary>
    /// Whatever tangent points alpha-CROWN picks (either end of each range, inside it, outside it, NaN), sigmoid's and
    /// tanh's lines still enclose the float32 and float64 function on a fine grid of every interval.
    /// </summary>
    [Theory]
    [MemberData(nameof(SmoothOperators))]
    public void SmoothLinesWithAnyTangentPointsEncloseTheFunction(string name)
    {
        var (op, bounds, relaxation) = SmoothRelaxation(name);
        var parameters = relaxation.Parameters!;
        var random = new Random(8);
        int n = bounds.Length;
        Assert.Equal(2 * n, parameters.Start().Length);
        Assert.Equal(relaxation.Upper, parameters.With(parameters.Start()).Upper);
        foreach (double theta in new[] { 0, 1, 0.25, -1, 2, double.NaN, -2 })
        {
            var p = Enumerable.Range(0, 2 * n).Select(_ => theta == -2 ? random.NextDouble() : theta).ToArray();
            var chosen = parameters.With(p);
            for (int i = 0; i < n; i++)
                AssertLinesEnclose(op, chosen, i, n, Grid(SmoothIntervals[i].L, SmoothIntervals[i].U, 1001), $"{name} [{SmoothIntervals[i].L}, {SmoothIntervals[i].U}] theta {theta}");
        }
    }

    [Fact]
    public void ClipLinesEncloseTheClampAndAreExactOnItsLinearPieces()
    {
        var clip = new Clip(ConstantTensor.FromFloats(Shape.Scalar, [-1]), ConstantTensor.FromFloats(Shape.Scalar, [2]));
        (double L, double U)[] intervals =
            [(-3, -2), (0, 1), (-2, 1), (1, 3), (-3, 4), (-1.5, 5), (-5, 2.5), (5, 6), (2, 2), (-1, -1), (-Inf, 0), (0, Inf), (-Inf, Inf)];
        var bounds = new ValueBounds(intervals.Select(i => i.L).ToArray(), intervals.Select(i => i.U).ToArray());
        var relaxation = clip.Relax(Elementwise(bounds.Length), bounds)!;
        for (int i = 0; i < intervals.Length; i++)
            AssertLinesEnclose(clip, relaxation, i, intervals.Length, Grid(intervals[i].L, intervals[i].U, 2001), $"Clip [{intervals[i].L}, {intervals[i].U}]");
        // On [0, 1] the clamp is the identity: both lines are y = x up to the rounding allowance.
        Assert.Equal(1, relaxation.Lower[1]);
        Assert.Equal(1, relaxation.Upper[1]);
        Assert.InRange(relaxation.UpperIntercept[1] - relaxation.LowerIntercept[1], 0, 1e-12);
    }

    /// <summary>A 2x2 MaxPool with stride 1 over 2 channels of 3x3: windows overlap, so inputs appear in several rows.</summary>
    private static (Pool Pool, Shape Shape, BoundSignature Signature) OverlappingMaxPool()
    {
        var pool = new Pool(true, new Window2D(2, 2, 1, 1, 0, 0, 0, 0, 1, 1, "NOTSET"), countIncludePad: false);
        var shape = new Shape(1, 2, 3, 3);
        return (pool, shape, new BoundSignature([shape], [null], pool.InferShapes([shape])[0]));
    }

    /// <summary>At 200 sampled points and corners of the box, the float32 maximum lies above the lower lines (and below the upper ones).</summary>
    private static void AssertPoolLinesEnclose(Pool pool, Shape shape, LinearRelaxation relaxation, Random random, double[] lower, double[] upper,
        bool upperToo, string what)
    {
        for (int s = 0; s < 200; s++)
        {
            var x = BoundSoundnessTests.Sample(random, lower, upper);
            var y = pool.Evaluate([new Tensor<float>(shape, x)])[0].Data;
            var point = x.Select(v => (double)v).ToArray();
            for (int k = 0; k < y.Length; k++)
            {
                Assert.True(relaxation.Evaluate(k, point, upper: false) <= y[k], $"{what} output {k}: lower line above {y[k]}");
                if (upperToo) Assert.True(relaxation.Evaluate(k, point, upper: true) >= y[k], $"{what} output {k}: upper line below {y[k]}");
            }
        }
    }

    [Fact]
    public void MaxPoolLinesEncloseEveryWindowAndAreExactWhereOneElementDominates()
    {
        var random = new Random(4);
        var (pool, shape, signature) = OverlappingMaxPool();
        int dominated = 0;
        for (int trial = 0; trial < 40; trial++)
        {
            var (lower, upper) = BoundSoundnessTests.Box(random, shape.ElementCount, trial % 2 == 0 ? 0.1 : 1.0);
            var relaxation = pool.Relax(signature, new ValueBounds(lower, upper))!;
            for (int k = 0; k < relaxation.Outputs; k++)
                if (Enumerable.Range(relaxation.RowStart[k], relaxation.RowStart[k + 1] - relaxation.RowStart[k])
                    .All(e => relaxation.Lower[e] == relaxation.Upper[e]) && relaxation.LowerIntercept[k] == relaxation.UpperIntercept[k]) dominated++;
            AssertPoolLinesEnclose(pool, shape, relaxation, random, lower, upper, upperToo: true, $"trial {trial}");
        }
        Assert.True(dominated > 20, $"only {dominated} windows were exact");
    }

    /// <summary>
    /// alpha-CROWN's lines of MaxPool: lower-line weights over each window and upper-line weights over its three
    /// candidate lines, convex or not (sums of 0.7 and 1.3 here), still enclose the float32 maximum at sampled points
    /// and corners, because the intercepts charge |1 - sum| times the window's largest magnitude; the projection puts
    /// any weights on the simplex, where the lower line costs nothing beyond rounding.
    /// </summary>
    [Fact]
    public void MaxPoolLinesWithChosenWeightsEncloseTheMaximum()
    {
        var random = new Random(11);
        var (pool, shape, signature) = OverlappingMaxPool();
        int combined = 0;
        foreach (double scale in new[] { 1.0, 0.7, 1.3 })
            for (int trial = 0; trial < 20; trial++)
            {
                var (lower, upper) = BoundSoundnessTests.Box(random, shape.ElementCount, trial % 2 == 0 ? 0.1 : 1.0);
                var relaxation = pool.Relax(signature, new ValueBounds(lower, upper))!;
                var parameters = relaxation.Parameters!;
                var p = parameters.Start().Select(_ => random.NextDouble() * 2 - 0.5).ToArray();
                parameters.Project(p);
                for (int i = 0; i < p.Length; i++) p[i] *= scale;
                var chosen = parameters.With(p);
                if (scale == 1) Assert.All(chosen.LowerIntercept, b => Assert.InRange(b, -1e-14, 0));
                combined += Enumerable.Range(0, relaxation.Outputs).Count(k => chosen.UpperIntercept[k] != relaxation.UpperIntercept[k]);
                AssertPoolLinesEnclose(pool, shape, chosen, random, lower, upper, upperToo: true, $"scale {scale} trial {trial}");
            }
        Assert.True(combined > 100, $"only {combined} upper lines were combinations");
    }

    [Fact]
    public void SimplexProjectionSumsToOneKeepsPointsOnItAndOrdersLikeItsInput()
    {
        double[] Project(params double[] w)
        {
            Simplex.Project(w);
            return w;
        }
        Assert.Equal([1.0 / 3, 1.0 / 3, 1.0 / 3], Project(0.5, 0.5, 0.5), new ToleranceComparer(1e-15));
        Assert.Equal([1.0, 0], Project(2, 0));
        Assert.Equal([0.75, 0.25, 0], Project(0.5, 0, -3));
        Assert.Equal([0.2, 0.3, 0.5], Project(0.2, 0.3, 0.5), new ToleranceComparer(1e-15));
        Assert.Equal([0.25, 0.25, 0.25, 0.25], Project(1, double.NaN, 0, 0));
        var random = new Random(2);
        for (int t = 0; t < 200; t++)
        {
            var w = Enumerable.Range(0, 1 + t % 9).Select(_ => random.NextDouble() * 6 - 3).ToArray();
            var p = Project((double[])w.Clone());
            Assert.InRange(p.Sum(), 1 - 1e-12, 1 + 1e-12);
            Assert.All(p, v => Assert.True(v >= 0));
            for (int i = 0; i < w.Length; i++)
                for (int j = 0; j < w.Length; j++)
                    if (w[i] > w[j]) Assert.True(p[i] >= p[j]);
            Assert.Equal(p, Project((double[])p.Clone()), new ToleranceComparer(1e-12));
        }
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(double v) => 0;
    }

    /// <summary>
    /// After unstable ReLUs every lower bound of a window is 0: the lines follow the element with the widest interval
    /// (the highest middle), which is the one most often the maximum, not the first element of the window. Above, the
    /// chords (here y &lt;= the window's sum, 1.45 at the middle) beat x_2 + 0.5 (1.5) and the constant 2.0.
    /// </summary>
    [Fact]
    public void MaxPoolLinesFollowTheElementWithTheHighestMiddle()
    {
        var pool = new Pool(true, new Window2D(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, "NOTSET"), countIncludePad: false);
        var shape = new Shape(1, 1, 2, 2);
        var signature = new BoundSignature([shape], [null], pool.InferShapes([shape])[0]);
        var relaxation = pool.Relax(signature, new ValueBounds([0, 0, 0, 0], [0.1, 0.3, 2.0, 0.5]))!;
        int widest = Enumerable.Range(0, 4).Single(e => relaxation.Index[e] == 2);
        Assert.Equal(1, relaxation.Lower[widest]);
        Assert.Equal(0, relaxation.LowerIntercept[0]);
        Assert.Equal(1, Enumerable.Range(0, 4).Sum(e => relaxation.Lower[e]));
        Assert.All(relaxation.Upper, c => Assert.Equal(1, c));
        Assert.InRange(relaxation.UpperIntercept[0], 0, 1e-9);
    }

    /// <summary>
    /// The float32 error model of sigmoid and tanh that the bounds charge, checked against System.Numerics.Tensors'
    /// vectorised and scalar paths over every 4,093rd float32 (all exponents): the interval bounds of a point hold
    /// the float32 value. (Tanh's vectorised path gives -5.96e-8 at 0, which a relative allowance alone misses.)
    /// </summary>
    [Theory]
    [MemberData(nameof(SmoothOperators))]
    public void Float32SmoothActivationsStayInsideTheirPointBounds(string name)
    {
        var op = Smooth(name);
        var xs = new List<float>();
        for (long bits = 0; bits <= uint.MaxValue; bits += 4093)
        {
            float v = BitConverter.UInt32BitsToSingle((uint)bits);
            if (float.IsFinite(v)) xs.Add(v);
        }
        xs.AddRange([0f, -0f, 1e-30f, -1e-30f]);
        var x = xs.ToArray();
        var vectorised = op.Evaluate([new Tensor<float>(new Shape(1, x.Length), x)])[0].Data;
        var points = x.Select(v => (double)v).ToArray();
        var bounds = op.IntervalBounds(Elementwise(x.Length), [new ValueBounds(points, points)]);
        for (int i = 0; i < x.Length; i++)
        {
            float scalar = op.Evaluate([new Tensor<float>(new Shape(1, 1), [x[i]])])[0].Data[0];
            foreach (var y in new[] { vectorised[i], scalar })
                Assert.True(y >= bounds.Lower[i] && y <= bounds.Upper[i], $"{name}({x[i]:R}) = {y:R} outside [{bounds.Lower[i]:R}, {bounds.Upper[i]:R}]");
        }
    }

    public static TheoryData<string> RelaxedNetworks => new() { "smooth-conv", "smooth-conv-symbolic", "sigmoid-mlp", "tanh-mlp", "clip" };

    private static NetworkGraph Network(string kind, int seed) => kind switch
    {
        "smooth-conv" => TestNetworks.SmoothConvNet(seed),
        "smooth-conv-symbolic" => TestNetworks.SmoothConvNet(seed, side: 4),
        "sigmoid-mlp" => TestNetworks.ActivationMlp(seed, () => new Sigmoid(), 4, 10, 10, 3),
        "tanh-mlp" => TestNetworks.ActivationMlp(seed, () => new Tanh(), 4, 10, 10, 3),
        _ => TestNetworks.ClipNet(seed),
    };

    /// <summary>
    /// Random networks through the relaxations (CROWN and alpha-CROWN, intermediate bounds optimised), random boxes:
    /// every value of the float32 and float64 network at sampled points and corners lies inside its bounds, spec rows
    /// stay above theirs, and every value's bounds lie inside the interval pass's.
    /// </summary>
    [Theory]
    [MemberData(nameof(RelaxedNetworks))]
    public void RelaxedNetworksContainEveryTraceAndNeverLoosenIntervals(string kind)
    {
        var random = new Random(29);
        for (int net = 0; net < 4; net++)
        {
            var graph = Network(kind, net);
            var analyzer = new BoundAnalyzer(graph);
            var (lower, upper) = BoundSoundnessTests.Box(random, analyzer.InputSize, net % 2 == 0 ? 0.2 : 1.5);
            var spec = new LinearSpec(Enumerable.Range(0, 2 * analyzer.OutputSize).Select(_ => random.NextDouble() * 2 - 1).ToArray(), [0, 0]);
            var interval = analyzer.Compute(lower, upper, BoundMode.Interval);
            foreach (var mode in new[] { BoundMode.Crown, BoundMode.AlphaCrown })
            {
                var state = analyzer.Compute(lower, upper, mode, optimiseIntermediate: new AlphaOptions(Iterations: 5));
                AssertInsideIntervals(state, interval, $"{kind} {net} {mode}");
                var rows = analyzer.SpecBounds(state, spec, mode).Lower;
                foreach (var x in Points(random, lower, upper, 150))
                {
                    var v32 = Evaluator.EvaluateAll(graph, new Tensor<float>(graph.InputShape, x));
                    var v64 = Evaluator.EvaluateAll(graph, new Tensor<double>(graph.InputShape, x.Select(v => (double)v).ToArray()));
                    BoundSoundnessTests.AssertTracesInside(state, v32, v64, $"{kind} {net} {mode}");
                    foreach (var y in new[] { v32[graph.Output].Data.Select(v => (double)v).ToArray(), v64[graph.Output].Data })
                        BoundSoundnessTests.AssertRowsAbove(spec, rows, y, $"{kind} {net} {mode}");
                }
            }
        }
    }

    /// <summary>
    /// alpha-CROWN also optimises the relaxations' parameters (MaxPool's lower-line weights, the tangent points of
    /// sigmoid and tanh): tighter spec bounds in total than with the relaxations' own lines. Their soundness is
    /// checked against sampled traces in <see cref="RelaxedNetworksContainEveryTraceAndNeverLoosenIntervals"/> and
    /// BoundSoundnessTests.
    /// </summary>
    [Theory]
    [InlineData("conv")]
    [InlineData("sigmoid-mlp")]
    [InlineData("tanh-mlp")]
    public void OptimisedRelaxationParametersTightenAlphaCrown(string kind)
    {
        var random = new Random(5);
        double fixedTotal = 0, optimisedTotal = 0;
        for (int net = 0; net < 4; net++)
        {
            var analyzer = new BoundAnalyzer(kind == "conv" ? TestNetworks.ConvNet(net) : Network(kind, net));
            var (lower, upper) = BoundSoundnessTests.Box(random, analyzer.InputSize, kind == "conv" ? 0.5 : 1.0);
            var spec = new LinearSpec(Enumerable.Range(0, 3 * analyzer.OutputSize).Select(_ => random.NextDouble() * 2 - 1).ToArray(), [1e9, 1e9, 1e9]);
            var state = analyzer.Compute(lower, upper, BoundMode.Crown);
            var options = new AlphaOptions(Iterations: 20);
            var fixedLines = analyzer.SpecBounds(state, spec, BoundMode.AlphaCrown, options with { RelaxationParameters = false }).Lower;
            var optimised = analyzer.SpecBounds(state, spec, BoundMode.AlphaCrown, options).Lower;
            for (int r = 0; r < 3; r++)
            {
                Assert.True(double.IsFinite(optimised[r]));
                fixedTotal += fixedLines[r];
                optimisedTotal += optimised[r];
            }
        }
        Assert.True(optimisedTotal > fixedTotal + 1e-3, $"{kind}: optimised relaxations {optimisedTotal} are not tighter than fixed ones {fixedTotal}");
    }

    /// <summary>
    /// The gain: CROWN through the sigmoid relaxation against the same networks with sigmoid as a cut (interval
    /// bounds at its output, as before sigmoid relaxed itself); the output bounds are much narrower.
    /// </summary>
    [Fact]
    public void CrownThroughSigmoidIsTighterThanCuttingAtIt()
    {
        var random = new Random(31);
        double relaxedWidth = 0, cutWidth = 0;
        for (int net = 0; net < 4; net++)
        {
            var relaxed = new BoundAnalyzer(TestNetworks.ActivationMlp(net, () => new Sigmoid(), 4, 16, 16, 3));
            var cut = new BoundAnalyzer(TestNetworks.ActivationMlp(net, () => new CutSigmoid(), 4, 16, 16, 3));
            var (lower, upper) = BoundSoundnessTests.Box(random, 4, 0.3);
            var a = relaxed.Compute(lower, upper, BoundMode.Crown).Output;
            var b = cut.Compute(lower, upper, BoundMode.Crown).Output;
            for (int j = 0; j < a.Length; j++)
            {
                Assert.True(a.Upper[j] - a.Lower[j] <= b.Upper[j] - b.Lower[j] + 1e-9, $"net {net} output {j} looser than with the cut");
                relaxedWidth += a.Upper[j] - a.Lower[j];
                cutWidth += b.Upper[j] - b.Lower[j];
            }
        }
        Assert.True(relaxedWidth < 0.8 * cutWidth, $"relaxed width {relaxedWidth} against {cutWidth} with the cut");
    }

    /// <summary>Sigmoid without its relaxation: the analyzer cuts at it, as it did before sigmoid relaxed itself.</summary>
    private sealed class CutSigmoid : Operator
    {
        private readonly Sigmoid _sigmoid = new();
        public override string OpType => "Sigmoid";
        public override Shape[] InferShapes(IReadOnlyList<Shape> inputs) => _sigmoid.InferShapes(inputs);
        public override Tensor<T>[] Evaluate<T>(IReadOnlyList<Tensor<T>> inputs) => _sigmoid.Evaluate(inputs);
        public override ValueBounds IntervalBounds(BoundSignature signature, IReadOnlyList<ValueBounds> inputs) => _sigmoid.IntervalBounds(signature, inputs);
    }

    /// <summary>Sampled points (ends included at random) and the box's two extreme corners and a few random ones.</summary>
    private static IEnumerable<float[]> Points(Random random, double[] lower, double[] upper, int count)
    {
        yield return lower.Select(v => (float)v).ToArray();
        yield return upper.Select(v => (float)v).ToArray();
        for (int c = 0; c < 8; c++) yield return lower.Select((l, i) => (float)(random.Next(2) == 0 ? l : upper[i])).ToArray();
        for (int s = 0; s < count; s++) yield return BoundSoundnessTests.Sample(random, lower, upper);
    }

    /// <summary>
    /// Up to the last bits: interval arithmetic in midpoint-radius form is not exactly monotone in its inputs under
    /// rounding (a relative 1e-12, what every bound is pushed outward by anyway).
    /// </summary>
    private static void AssertInsideIntervals(BoundState state, BoundState interval, string what)
    {
        foreach (var name in interval.ToNetworkBounds().Values.Keys)
        {
            var (a, b) = (state[name], interval[name]);
            for (int i = 0; i < a.Length; i++)
                Assert.True(a.Lower[i] >= Rounding.Down(b.Lower[i]) && a.Upper[i] <= Rounding.Up(b.Upper[i]),
                    $"{what} {name}[{i}]: [{a.Lower[i]}, {a.Upper[i]}] not inside the interval pass's [{b.Lower[i]}, {b.Upper[i]}]");
        }
    }

    /// <summary>float32 points of [l, u] (unbounded ends cut at +-200, plus the largest floats inside).</summary>
    private static float[] Grid(double l, double u, int count)
    {
        double a = Math.Max(l, -200), b = Math.Min(u, 200);
        var points = Enumerable.Range(0, count).Select(k => (float)(a + (b - a) * k / (count - 1))).Where(v => v >= l && v <= u).ToList();
        if (double.IsNegativeInfinity(l)) points.Add(float.MinValue);
        if (double.IsPositiveInfinity(u)) points.Add(float.MaxValue);
        return [.. points, (float)a, (float)b];
    }

    /// <summary>
    /// Checks element i's two lines against the operator in float32 (vectorised and scalar) and float64 at every grid
    /// point; returns the mean gap between the lines there.
    /// </summary>
    private static double AssertLinesEnclose(Operator op, LinearRelaxation relaxation, int i, int n, float[] grid, string what)
    {
        var y32 = op.Evaluate([new Tensor<float>(new Shape(1, grid.Length), grid)])[0].Data;
        var y64 = op.Evaluate([new Tensor<double>(new Shape(1, grid.Length), grid.Select(v => (double)v).ToArray())])[0].Data;
        var point = new double[n];
        double gap = 0;
        for (int p = 0; p < grid.Length; p++)
        {
            point[i] = grid[p];
            double low = relaxation.Evaluate(i, point, upper: false), high = relaxation.Evaluate(i, point, upper: true);
            float scalar = op.Evaluate([new Tensor<float>(new Shape(1, 1), [grid[p]])])[0].Data[0];
            foreach (var y in new[] { y32[p], scalar, y64[p] })
                Assert.True(low <= y && y <= high, $"{what} at {grid[p]:R}: {y:R} outside [{low:R}, {high:R}]");
            gap += high - low;
        }
        return gap / grid.Length;
    }
}
