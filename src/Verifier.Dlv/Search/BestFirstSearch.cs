using System.Diagnostics;
using Verifier.Dlv.Network;
using Verifier.Dlv.Regions;

namespace Verifier.Dlv.Search;

/// <summary>
/// DLV's exhaustive mode (the CAV-era "A*" searchExhaustive): best-first over images. Expanding an image makes
/// one child per input feature — the not-yet-manipulated pixels partitioned into successive top-FeatureDims
/// groups — each group manipulated as at the input layer. Priority = c + d·(1 − c), with c the confidence in
/// the original class and d the normalised L1 distance; children beyond the distance budget, duplicates and
/// visited images are dropped, the queue is capped (worst entries dropped) and expansions are bounded.
/// </summary>
public static class BestFirstSearch
{
    private sealed record SearchNode(double[] Image, HashSet<int> Manipulated, int Depth);

    public static DlvResult Run(LayeredNetwork net, double[] image, DlvOptions options)
    {
        var clock = Stopwatch.StartNew();
        var original = Prediction.FromLogits(net.Logits(image));
        var queue = new PriorityQueue<SearchNode, double>();
        var visited = new HashSet<string> { Key(image) };
        queue.Enqueue(new SearchNode(image, [], 0), 0);
        long evaluations = 0;
        int expansions = 0;
        while (queue.Count > 0 && expansions < options.MaxExpansions)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            var node = queue.Dequeue();
            expansions++;
            var children = Features(node, options)
                .Select(group => (Group: group, Image: InputManipulation.Apply(node.Image, group, options.Span, options.NumSpan, options.InputLow, options.InputHigh)))
                .Where(c => Distances.Between(image, c.Image).L1Normalised <= options.DistanceBudget && visited.Add(Key(c.Image)))
                .ToList();
            var logits = net.LogitsBatch(children.Select(c => c.Image).ToList());
            evaluations += children.Count;
            for (int i = 0; i < children.Count; i++)
            {
                var p = Prediction.FromLogits(logits[i]);
                if (p.Class != original.Class && Confirmation.Confirm(net, image, children[i].Image, original) is { } adversarial)
                    return new DlvResult(DlvOutcome.Adversarial, original, adversarial, node.Depth + 1, evaluations, clock.Elapsed);
                double c = Softmax(logits[i], original.Class);
                double d = Distances.Between(image, children[i].Image).L1Normalised;
                queue.Enqueue(new SearchNode(children[i].Image, [.. node.Manipulated, .. children[i].Group], node.Depth + 1), c + d * (1 - c));
            }
            if (queue.Count > options.MaxQueueSize) queue = Trim(queue, options.MaxQueueSize);
        }
        return new DlvResult(DlvOutcome.NoneFound, original, null, expansions, evaluations, clock.Elapsed);
    }

    /// <summary>The not-yet-manipulated pixels of the node's image in successive top-FeatureDims groups.</summary>
    private static IEnumerable<int[]> Features(SearchNode node, DlvOptions options) =>
        FeatureSelection.TopByDistanceFromMean(node.Image, node.Image.Length, node.Manipulated).Chunk(options.FeatureDims);

    private static double Softmax(double[] logits, int cls)
    {
        double max = logits.Max(), sum = logits.Sum(v => Math.Exp(v - max));
        return Math.Exp(logits[cls] - max) / sum;
    }

    private static PriorityQueue<SearchNode, double> Trim(PriorityQueue<SearchNode, double> queue, int size)
    {
        var kept = new PriorityQueue<SearchNode, double>();
        while (kept.Count < size && queue.TryDequeue(out var n, out var priority)) kept.Enqueue(n, priority);
        return kept;
    }

    private static string Key(double[] image) => Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(image.AsSpan()));
}
