namespace Verifier.Compute.Attacks;

/// <summary>The gradient, with respect to the logits, of the loss a classification attack ascends.</summary>
internal static class LossGradient
{
    /// <summary>
    /// Untargeted: ascend the loss of the true label. Targeted: descend the loss of the target (ascend its
    /// negation), so every attack simply steps along the gradient.
    /// </summary>
    public static void Seed(ReadOnlySpan<float> logits, Span<float> seed, int label, int? target, AttackLoss loss)
    {
        seed.Clear();
        if (loss == AttackLoss.Margin)
        {
            int goal = target ?? label;
            int rival = Targets.StrongestOther(logits, goal);
            // Untargeted: rival - label; targeted: target - rival.
            float sign = target is null ? -1f : 1f;
            seed[goal] += sign;
            seed[rival] -= sign;
            return;
        }
        float max = System.Numerics.Tensors.TensorPrimitives.Max(logits);
        double sum = 0;
        for (int j = 0; j < logits.Length; j++) sum += Math.Exp(logits[j] - max);
        for (int j = 0; j < logits.Length; j++) seed[j] = (float)(Math.Exp(logits[j] - max) / sum);
        // d CE(y, k) / dy = softmax(y) - e_k.
        if (target is { } t)
        {
            for (int j = 0; j < seed.Length; j++) seed[j] = -seed[j];
            seed[t] += 1f;
        }
        else seed[label] -= 1f;
    }
}
