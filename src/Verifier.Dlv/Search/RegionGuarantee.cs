using System.Diagnostics;
using Verifier.Dlv.Network;
using Verifier.Dlv.Regions;

namespace Verifier.Dlv.Search;

/// <summary>
/// Exhaustive check of a discretised input region: every grid point is evaluated. Only when all of them keep
/// the class does it answer "safe with respect to the manipulations" (a statement about the grid, not about
/// the continuous region: the method doc's T4 shows class changes between grid points). The region's
/// dims are the first NumFeatures·FeatureDims pixels of the activation heuristic.
/// </summary>
public static class RegionGuarantee
{
    public static DlvResult Run(LayeredNetwork net, double[] image, DlvOptions options)
    {
        var pixels = FeatureSelection.TopByDistanceFromMean(image, options.FeatureDims * options.NumFeatures);
        return Run(net, image, InputCandidates.InputRegion(image, pixels, options), options);
    }

    public static DlvResult Run(LayeredNetwork net, double[] image, Region region, DlvOptions options)
    {
        var clock = Stopwatch.StartNew();
        var original = Prediction.FromLogits(net.Logits(image));
        var enumeration = options.Enumeration == Enumeration.Point ? Enumeration.Lattice : options.Enumeration;
        long count = GridEnumeration.Count(region.Dims, enumeration);
        if (count > options.MaxGridPoints)
            throw new DlvLimitException($"the input region has {count} grid points, more than the limit {options.MaxGridPoints}");
        long evaluated = 0;
        bool undecided = false;
        var points = GridEnumeration.Counters(region.Dims, enumeration).Select(c =>
        {
            var p = GridEnumeration.Point(image, region.Dims, c);
            foreach (var d in region.Dims) p[d.Index] = Math.Clamp(p[d.Index], options.InputLow, options.InputHigh);
            return p;
        });
        foreach (var batch in points.Chunk(256))
        {
            options.Cancellation.ThrowIfCancellationRequested();
            var logits = net.LogitsBatch(batch);
            var logits32 = net.LogitsBatchFloat32(batch);
            evaluated += batch.Length;
            for (int i = 0; i < batch.Length; i++)
            {
                // The claim covers both precisions, so a point is safe only if float32 and float64 both keep the class.
                if (Prediction.FromLogits(logits[i]).Class == original.Class && Prediction.FromLogits(logits32[i]).Class == original.Class) continue;
                if (Confirmation.Confirm(net, image, batch[i], original) is { } adversarial)
                    return new DlvResult(DlvOutcome.Adversarial, original, adversarial, 1, evaluated, clock.Elapsed);
                undecided = true; // a class change not confirmed in both precisions: no claim either way
            }
        }
        return new DlvResult(undecided ? DlvOutcome.NoneFound : DlvOutcome.SafeWithRespectToManipulations, original, null, 1, evaluated, clock.Elapsed);
    }
}
