using Verifier.Core.Bounds;
using Verifier.Core.Specifications.VnnLib;
using Verifier.Formats;
using Verifier.Tests.Support;

namespace Verifier.Tests.Bounds;

/// <summary>
/// What keeping the root's optimised intermediate slopes buys on a real network: ReLU-split children of MNIST-FC
/// 256x4 (prop 5, eps 0.03) refined with them end tighter in the layers after the split than children refined
/// with CROWN's slopes and then intersected with the same optimised root bounds (what they inherit anyway).
/// </summary>
public class MnistFcSlopeReuseTests
{
    [Fact]
    public void TheRootsSlopesTightenSplitChildrenBeyondTheInheritedBounds()
    {
        var graph = ModelLoader.Load(SharedData.Benchmarks("mnistfc", "onnx", "mnist-net_256x4.onnx"));
        var box = VnnLibParser.Parse(SharedData.Benchmarks("mnistfc", "vnnlib", "prop_5_0.03.vnnlib")).Cases[0].Box;
        var (lower, upper) = (box.Lower.Select(v => v.Value).ToArray(), box.Upper.Select(v => v.Value).ToArray());
        var analyzer = new BoundAnalyzer(graph);
        var optimised = analyzer.Compute(lower, upper, BoundMode.AlphaCrown, optimiseIntermediate: new AlphaOptions(Iterations: 20));
        var crown = analyzer.Compute(lower, upper, BoundMode.AlphaCrown);
        var layer = analyzer.Activations[0];
        var input = optimised.ActivationInput(layer);
        double withSlopes = 0, withoutSlopes = 0;
        foreach (int j in Enumerable.Range(0, layer.Size).Where(k => input.Lower[k] < 0 && input.Upper[k] > 0).Take(3))
            foreach (sbyte side in new sbyte[] { 1, -1 })
            {
                var splits = ReluSplits.None.With(layer.Index, layer.Size, j, side);
                var child = analyzer.Compute(lower, upper, BoundMode.AlphaCrown, splits, optimised, analyzer.StepsBefore(layer));
                var plain = analyzer.Compute(lower, upper, BoundMode.AlphaCrown, splits, crown, analyzer.StepsBefore(layer));
                foreach (var deeper in analyzer.Activations.Skip(1))
                {
                    var (a, b, r) = (child.ActivationInput(deeper), plain.ActivationInput(deeper), optimised.ActivationInput(deeper));
                    for (int k = 0; k < deeper.Size; k++)
                    {
                        withSlopes += a.Upper[k] - a.Lower[k];
                        withoutSlopes += Math.Min(b.Upper[k], r.Upper[k]) - Math.Max(b.Lower[k], r.Lower[k]);
                    }
                }
            }
        Assert.True(withSlopes < withoutSlopes, $"widths with the root's slopes {withSlopes} against {withoutSlopes} without");
    }
}
