using Verifier.Dlv.Network;
using Verifier.Dlv.Regions;

namespace Verifier.Dlv.Search;

/// <summary>Counts and findings of one safety analysis at a hidden layer.</summary>
public sealed record LayerAnalysisResult(Region[] Regions, long GridPoints, long MappedBack, List<double[]> InsideInputRegion, List<(int[] Counter, AdversarialExample Example)> Adversarial);

/// <summary>
/// The safety analysis at layer k (§1.4 steps 3-5): synthesise η_1..η_k from an input feature, enumerate the
/// grid of η_k, map every point back to the input, keep those inside the input region (±sp·m + tolerance and
/// within the valid range), and confirm class changes by concrete re-evaluation. A hidden-layer point is only
/// a candidate until it is mapped back and re-evaluated.
/// </summary>
public static class LayerAnalysis
{
    public static LayerAnalysisResult Run(LayeredNetwork net, double[] image, int[] inputPixels, int paperLayer, DlvOptions options,
        bool stopAtFirst = false, double? inputTolerance = null)
    {
        var activations = net.Activations(image);
        var original = Prediction.FromLogits(activations[^1]);
        int target = net.HiddenLayer(paperLayer);
        var inputRegion = InputCandidates.InputRegion(image, inputPixels, options);
        var regions = RegionSynthesis.Propagate(net, activations, inputRegion, target, options);
        var dims = regions[target].Dims;
        long count = GridEnumeration.Count(dims, options.Enumeration);
        if (count > options.MaxGridPoints)
            throw new DlvLimitException($"layer {paperLayer} region has {count} grid points, more than the limit {options.MaxGridPoints}");
        double tolerance = inputTolerance ?? options.Tolerance;
        long mapped = 0;
        var inside = new List<double[]>();
        var found = new List<(int[], AdversarialExample)>();
        foreach (var counter in GridEnumeration.Counters(dims, options.Enumeration))
        {
            options.Cancellation.ThrowIfCancellationRequested();
            var point = GridEnumeration.Point(activations[target], dims, counter);
            var x = BackMapping.ToInput(net, activations, regions, point, options);
            if (x is null) continue;
            mapped++;
            if (!Inside(x, image, inputRegion, tolerance, options)) continue;
            inside.Add(x);
            var adversarial = Confirmation.Confirm(net, image, x, original);
            if (adversarial is null) continue;
            found.Add((counter, adversarial));
            if (stopAtFirst) break;
        }
        return new LayerAnalysisResult(regions, count, mapped, inside, found);
    }

    private static bool Inside(double[] x, double[] image, Region inputRegion, double tolerance, DlvOptions options)
    {
        foreach (var d in inputRegion.Dims)
        {
            double v = x[d.Index];
            if (!double.IsFinite(v) || Math.Abs(v - image[d.Index]) > d.HalfWidth + tolerance) return false;
            if (v < options.InputLow || v > options.InputHigh) return false;
        }
        return true;
    }
}

/// <summary>A region too large to enumerate within the configured limit.</summary>
public sealed class DlvLimitException(string message) : Exception(message);
