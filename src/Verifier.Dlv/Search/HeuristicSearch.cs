using System.Diagnostics;
using Verifier.Dlv.Network;
using Verifier.Dlv.Regions;

namespace Verifier.Dlv.Search;

/// <summary>
/// DLV's heuristic mode: one path through the ladder tree. Each round picks the next input feature (top
/// FeatureDims pixels by |v − mean| of the current image, not yet manipulated), produces candidates — the
/// feature's input grid (layer 0) or the back-mapped grid of layer k — stops at the first confirmed class
/// change, else moves to one candidate chosen uniformly at random with a seeded generator (reproducible).
/// With Point enumeration at layer 0 the path is deterministic (the method doc's T14 walk).
/// </summary>
public static class HeuristicSearch
{
    public static DlvResult Run(LayeredNetwork net, double[] image, DlvOptions options, int paperLayer = 0)
    {
        var clock = Stopwatch.StartNew();
        var original = Prediction.FromLogits(net.Logits(image));
        var random = new Random(options.Seed);
        var manipulated = new HashSet<int>();
        var current = image;
        long evaluations = 0;
        for (int round = 1; round <= options.NumFeatures; round++)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            var feature = FeatureSelection.TopByDistanceFromMean(current, options.FeatureDims, manipulated);
            if (feature.Length == 0 && options.ResetOnExhaustion)
            {
                manipulated.Clear();
                feature = FeatureSelection.TopByDistanceFromMean(current, options.FeatureDims, manipulated);
            }
            if (feature.Length == 0) return new DlvResult(DlvOutcome.NoneFound, original, null, round - 1, evaluations, clock.Elapsed);
            manipulated.UnionWith(feature);

            var candidates = Candidates(net, current, feature, paperLayer, options);
            evaluations += candidates.Count;
            foreach (var batch in candidates.Chunk(256))
            {
                options.Cancellation.ThrowIfCancellationRequested();
                var logits = net.LogitsBatch(batch);
                for (int i = 0; i < batch.Length; i++)
                {
                    if (Prediction.FromLogits(logits[i]).Class == original.Class) continue;
                    if (Confirmation.Confirm(net, image, batch[i], original) is { } adversarial)
                        return new DlvResult(DlvOutcome.Adversarial, original, adversarial, round, evaluations, clock.Elapsed);
                }
            }
            if (candidates.Count == 0) return new DlvResult(DlvOutcome.NoneFound, original, null, round, evaluations, clock.Elapsed);
            current = candidates[random.Next(candidates.Count)];
        }
        return new DlvResult(DlvOutcome.NoneFound, original, null, options.NumFeatures, evaluations, clock.Elapsed);
    }

    private static List<double[]> Candidates(LayeredNetwork net, double[] current, int[] feature, int paperLayer, DlvOptions options) =>
        paperLayer == 0
            ? InputCandidates.Enumerate(current, feature, options).ToList()
            : LayerAnalysis.Run(net, current, feature, paperLayer, options).InsideInputRegion;
}
