using Verifier.Core.Operators;
using Verifier.Core.Tensors;
using Verifier.Dlv.Network;

namespace Verifier.Dlv.Regions;

/// <summary>
/// The "Activation" heuristic: dimensions whose value is farthest from the layer mean are the most salient.
/// Deliberate deviation from the code: an exact top-k with ties broken by row-major index (the code's greedy
/// loop depends on Python dict order and is not reproducible).
/// </summary>
public static class FeatureSelection
{
    /// <summary>The <paramref name="count"/> indices with the largest |v − mean(values)|, skipping <paramref name="excluded"/>.</summary>
    public static int[] TopByDistanceFromMean(ReadOnlySpan<double> values, int count, IReadOnlySet<int>? excluded = null)
    {
        double mean = Mean(values);
        var scored = new List<(double Score, int Index)>(values.Length);
        for (int i = 0; i < values.Length; i++)
            if (excluded is null || !excluded.Contains(i)) scored.Add((Math.Abs(values[i] - mean), i));
        scored.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Index.CompareTo(b.Index));
        return scored.Take(count).Select(s => s.Index).ToArray();
    }

    public static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (var v in values) sum += v;
        return values.Length == 0 ? 0 : sum / values.Length;
    }

    /// <summary>
    /// Conv layers (getTop3DActivation): for each previous-region dim in order, the not-yet-chosen output neuron
    /// (any channel) whose window reads it and whose value is farthest from the layer mean. One neuron per dim
    /// keeps the receptive-field link. Windows come from the operator, so padding and stride are honoured
    /// (the code hard-wires 3×3 valid windows).
    /// </summary>
    public static int[] ConvNeurons(Conv conv, Shape inputShape, Shape outputShape, ReadOnlySpan<double> layerValues, IReadOnlyList<int> previousDims)
    {
        double mean = Mean(layerValues);
        var chosen = new List<int>();
        foreach (var input in previousDims)
        {
            int best = -1;
            double bestScore = double.NegativeInfinity;
            foreach (var neuron in AffineRows.ConvNeuronsReading(conv, inputShape, outputShape, input))
            {
                if (chosen.Contains(neuron)) continue;
                double score = Math.Abs(layerValues[neuron] - mean);
                if (score > bestScore || (score == bestScore && neuron < best)) (best, bestScore) = (neuron, score);
            }
            if (best >= 0) chosen.Add(best);
        }
        return [.. chosen];
    }
}
