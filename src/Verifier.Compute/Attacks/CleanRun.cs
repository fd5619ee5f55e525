namespace Verifier.Compute.Attacks;

/// <summary>The unperturbed images: which are classified correctly and which the attack should try.</summary>
internal sealed record CleanRun(int CleanCorrect, int[] Attackable, float[] Logits)
{
    public static CleanRun Start(BatchedNetwork network, float[] images, int[] labels, int? target)
    {
        int d = network.InputSize, c = network.OutputSize;
        if (images.Length != labels.Length * d)
            throw new ArgumentException($"{images.Length} pixel values for {labels.Length} images of {d} values each");
        foreach (var l in labels)
            if (l < 0 || l >= c) throw new ArgumentException($"label {l} is not one of the network's {c} classes");
        var logits = network.Evaluate(images, labels.Length);
        var attackable = new List<int>();
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (Targets.Predicted(logits.AsSpan(i * c, c)) != labels[i]) continue;
            correct++;
            if (target != labels[i]) attackable.Add(i);
        }
        return new CleanRun(correct, attackable.ToArray(), logits);
    }
}
