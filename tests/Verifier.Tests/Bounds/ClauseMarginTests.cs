using Verifier.Core.Bounds;
using Verifier.Core.Evaluation;
using Verifier.Core.Tensors;

namespace Verifier.Tests.Bounds;

/// <summary><see cref="BoundAnalyzer.ClauseMargin"/>: weighted sums of a conjunction's rows.</summary>
public class ClauseMarginTests
{
    private static readonly AlphaOptions Options = new(Iterations: 20);

    /// <summary>
    /// Rows y0 - y1 &lt;= t and y1 - y0 &lt;= -t - 0.1 contradict each other (their sum says 0 &lt;= -0.1), but with t
    /// the value of y0 - y1 at the box centre each row holds somewhere on its own: only the weighted sum proves the
    /// clause impossible (at equal weights by 0.05, at most; the search stops once the margin is positive).
    /// </summary>
    [Fact]
    public void ContradictoryRowsAreProvenTogetherThoughNeitherIsAlone()
    {
        for (int seed = 0; seed < 5; seed++)
        {
            var graph = TestNetworks.Mlp(300 + seed, 3, 12, 12, 2);
            var analyzer = new BoundAnalyzer(graph);
            double[] lower = [-0.5, -0.5, -0.5], upper = [0.5, 0.5, 0.5];
            var y = Evaluator.EvaluateFlat<double>(graph, new double[3]);
            double t = y[0] - y[1];
            var spec = new LinearSpec([1, -1, -1, 1], [t, -t - 0.1]);
            var state = analyzer.Compute(lower, upper, BoundMode.Crown);
            var bounds = analyzer.SpecBounds(state, spec, BoundMode.AlphaCrown, Options);
            Assert.True(bounds.Lower[0] <= spec.Thresholds[0], "row 0 alone holds at the centre, so it cannot be proven");
            double margin = analyzer.ClauseMargin(state, spec, [0, 1], bounds, Options);
            Assert.True(margin > 0, $"seed {seed}: the weighted sum did not prove the clause impossible ({margin})");
            Assert.True(margin <= 0.05 + 1e-9, $"seed {seed}: margin {margin} above what equal weights can give");
        }
    }

    /// <summary>
    /// For every sampled point (float32 and float64 execution) some row's excess c_j . y - t_j is at least the
    /// margin's share: the weights are non-negative and sum to about one, so their sum of excesses cannot exceed
    /// the largest excess scaled by 1.01 (0.99 when all are negative). A margin too high fails this.
    /// </summary>
    [Fact]
    public void MarginNeverExceedsTheLargestRowExcessAtAnyPoint()
    {
        var random = new Random(29);
        int proven = 0;
        for (int net = 0; net < 8; net++)
        {
            var graph = TestNetworks.Mlp(400 + net, 4, 16, 16, 4);
            var analyzer = new BoundAnalyzer(graph);
            var lower = Enumerable.Range(0, 4).Select(_ => (double)(float)(random.NextDouble() - 1)).ToArray();
            var upper = lower.Select(l => (double)(float)(l + 0.2 + random.NextDouble() * 0.4)).ToArray();
            var centre = Evaluator.EvaluateFlat<double>(graph, lower.Select((l, i) => l + (upper[i] - l) / 2).ToArray());
            var coefficients = Enumerable.Range(0, 3 * 4).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            // Thresholds around the centre's values: some clauses provable, some not.
            var thresholds = Enumerable.Range(0, 3).Select(r => Enumerable.Range(0, 4).Sum(j => coefficients[r * 4 + j] * centre[j]) + random.NextDouble() * 0.6 - 0.4).ToArray();
            var spec = new LinearSpec(coefficients, thresholds);
            var state = analyzer.Compute(lower, upper, BoundMode.Crown);
            var bounds = analyzer.SpecBounds(state, spec, BoundMode.AlphaCrown, Options);
            double margin = analyzer.ClauseMargin(state, spec, [0, 1, 2], bounds, Options);
            if (margin > 0) proven++;
            for (int s = 0; s < 2000; s++)
            {
                var x = lower.Select((l, i) => Math.Clamp((float)(l + random.NextDouble() * (upper[i] - l)), (float)l, (float)upper[i])).ToArray();
                var y32 = Evaluator.EvaluateFlat<float>(graph, x).Select(v => (double)v).ToArray();
                var y64 = Evaluator.EvaluateFlat<double>(graph, x.Select(v => (double)v).ToArray());
                foreach (var yv in new[] { y32, y64 })
                {
                    double excess = Enumerable.Range(0, 3).Max(r => Enumerable.Range(0, 4).Sum(j => coefficients[r * 4 + j] * yv[j]) - thresholds[r]);
                    Assert.True(margin <= excess * (excess >= 0 ? 1.01 : 0.99),
                        $"net {net}: margin {margin} exceeds the largest row excess {excess} at a sampled point");
                }
            }
        }
        Assert.InRange(proven, 1, 7);
    }
}
