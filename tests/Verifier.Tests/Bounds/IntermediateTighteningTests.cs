using Verifier.Core.Bounds;
using Verifier.Core.Graph;

namespace Verifier.Tests.Bounds;

/// <summary>
/// <see cref="BoundAnalyzer.Tighten"/>: a search per unstable intermediate neuron over splits of earlier ones. Its
/// bounds are the least over sub-domains that cover the box, so every float32 and float64 trace stays inside them,
/// and they are never looser than the bounds it started from.
/// </summary>
public class IntermediateTighteningTests
{
    [Fact]
    public void TightenedBoundsContainEveryTraceAndAreNarrower()
    {
        var random = new Random(41);
        double before = 0, after = 0;
        int unstableBefore = 0, unstableAfter = 0;
        for (int net = 0; net < 4; net++)
        {
            var (graph, analyzer, lower, upper) = Network(700 + net, 20, random, 0.4);
            var alpha = new AlphaOptions(Iterations: 20);
            var reference = analyzer.Compute(lower, upper, BoundMode.AlphaCrown, optimiseIntermediate: alpha);
            var root = analyzer.Compute(lower, upper, BoundMode.AlphaCrown, optimiseIntermediate: alpha);
            var tight = analyzer.Tighten(root, alpha, leaves: 16, CancellationToken.None);
            Assert.False(tight.Infeasible);
            (unstableBefore, unstableAfter) = (unstableBefore + reference.UnstableCount(), unstableAfter + tight.UnstableCount());
            foreach (var layer in analyzer.Activations.Skip(1))
            {
                var (r, t) = (reference.ActivationInput(layer), tight.ActivationInput(layer));
                for (int j = 0; j < layer.Size; j++)
                {
                    Assert.True(t.Lower[j] >= r.Lower[j] && t.Upper[j] <= r.Upper[j], $"net {net} {layer.InputName}[{j}] looser after tightening");
                    (before, after) = (before + r.Upper[j] - r.Lower[j], after + t.Upper[j] - t.Lower[j]);
                }
            }
            BoundSoundnessTests.AssertSampledTracesInside(graph, tight, lower, upper, random, $"net {net} tightened");
        }
        Assert.True(after < 0.95 * before, $"tightened widths {after} against {before}");
        Assert.True(unstableAfter < unstableBefore, $"unstable {unstableAfter} against {unstableBefore}");
    }

    [Fact]
    public void ACancelledTighteningKeepsTheBoundsItStartedFrom()
    {
        var graph = TestNetworks.Mlp(720, 6, 20, 20, 4);
        var analyzer = new BoundAnalyzer(graph);
        var (lower, upper) = BoundSoundnessTests.Box(new Random(3), 6, 0.4);
        var reference = analyzer.Compute(lower, upper, BoundMode.AlphaCrown);
        var tight = analyzer.Tighten(analyzer.Compute(lower, upper, BoundMode.AlphaCrown), new AlphaOptions(), 16, new CancellationToken(canceled: true));
        foreach (var layer in analyzer.Activations)
        {
            Assert.Equal(reference.ActivationInput(layer).Lower, tight.ActivationInput(layer).Lower);
            Assert.Equal(reference.ActivationInput(layer).Upper, tight.ActivationInput(layer).Upper);
        }
    }

    [Fact]
    public void DeeperRoundsWithinABudgetContainEveryTraceAndNarrowTheBounds()
    {
        var random = new Random(43);
        double plain = 0, deeper = 0;
        int unstablePlain = 0, unstableDeeper = 0;
        for (int net = 0; net < 2; net++)
        {
            var (graph, analyzer, lower, upper) = Network(740 + net, 24, random, 0.5);
            var alpha = new AlphaOptions(Iterations: 10);
            var once = analyzer.Tighten(analyzer.Compute(lower, upper, BoundMode.AlphaCrown), alpha, leaves: 4, CancellationToken.None);
            var rounds = analyzer.Tighten(analyzer.Compute(lower, upper, BoundMode.AlphaCrown), alpha, leaves: 4, CancellationToken.None,
                budget: TimeSpan.FromSeconds(2));
            (unstablePlain, unstableDeeper) = (unstablePlain + once.UnstableCount(), unstableDeeper + rounds.UnstableCount());
            (plain, deeper) = (plain + HiddenWidth(analyzer, once), deeper + HiddenWidth(analyzer, rounds));
            BoundSoundnessTests.AssertSampledTracesInside(graph, rounds, lower, upper, random, $"net {net} deeper rounds");
        }
        Assert.True(unstableDeeper < unstablePlain, $"unstable {unstableDeeper} after deeper rounds against {unstablePlain}");
        Assert.True(deeper <= plain, $"widths {deeper} after deeper rounds against {plain}");
    }

    /// <summary>A 6-input MLP with three hidden layers of <paramref name="width"/> and a box around a random point.</summary>
    private static (NetworkGraph, BoundAnalyzer, double[], double[]) Network(int seed, int width, Random random, double boxWidth)
    {
        var graph = TestNetworks.Mlp(seed, 6, width, width, width, 4);
        var (lower, upper) = BoundSoundnessTests.Box(random, 6, boxWidth);
        return (graph, new BoundAnalyzer(graph), lower, upper);
    }

    /// <summary>Total width of the bounds of every activation input after the first.</summary>
    private static double HiddenWidth(BoundAnalyzer analyzer, BoundState state) => analyzer.Activations.Skip(1)
        .Sum(layer => state.ActivationInput(layer) is var b ? Enumerable.Range(0, layer.Size).Sum(j => b.Upper[j] - b.Lower[j]) : 0);

}
