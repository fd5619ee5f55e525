using Verifier.Core.Evaluation;
using Verifier.Dlv.Network;

namespace Verifier.Dlv.Search;

/// <summary>A class and its confidence (max softmax of the logits, as DLV reports it).</summary>
public readonly record struct Prediction(int Class, double Confidence)
{
    public static Prediction FromLogits(ReadOnlySpan<double> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        double sum = 0;
        foreach (var v in logits) sum += Math.Exp(v - logits[best]);
        return new Prediction(best, 1 / sum);
    }
}

/// <summary>An input whose class differs from the original's, confirmed by concrete re-evaluation.</summary>
public sealed record AdversarialExample(double[] Input, Prediction Original, Prediction Adversarial, Distances Distances);

public static class Confirmation
{
    /// <summary>
    /// Soundness gate: x' counts as adversarial only if the Evaluator, in float32 and in float64, puts it in a class
    /// other than <paramref name="originalClass"/> (the two precisions must agree on the new class).
    /// </summary>
    public static AdversarialExample? Confirm(LayeredNetwork net, double[] original, double[] candidate, Prediction originalPrediction)
    {
        var p64 = Prediction.FromLogits(net.Logits(candidate));
        if (p64.Class == originalPrediction.Class) return null;
        var x32 = candidate.Select(v => (float)v).ToArray();
        if (x32.Select((v, i) => (double)v != candidate[i]).Any(b => b))
            candidate = x32.Select(v => (double)v).ToArray(); // the witness is the float32 point both precisions evaluate
        var logits32 = Evaluator.EvaluateFlat<float>(net.Graph, x32);
        var p32 = Prediction.FromLogits(logits32.Select(v => (double)v).ToArray());
        p64 = Prediction.FromLogits(net.Logits(candidate));
        if (p32.Class != p64.Class || p64.Class == originalPrediction.Class) return null;
        return new AdversarialExample(candidate, originalPrediction, p64, Distances.Between(original, candidate));
    }
}
