namespace Verifier.Compute.Attacks;

/// <summary>What counts as a successful classification attack, decided strictly (ties do not count).</summary>
public static class Targets
{
    public static void Validate(int? target, int classes)
    {
        if (target is { } t && (t < 0 || t >= classes)) throw new ArgumentException($"target class {t} is not one of the network's {classes} classes");
    }

    /// <summary>Targeted: the target's logit is strictly the largest. Untargeted: some other logit is strictly above the label's.</summary>
    public static bool Reached<T>(ReadOnlySpan<T> logits, int label, int? target) where T : System.Numerics.INumber<T>
    {
        if (target is { } t)
        {
            for (int j = 0; j < logits.Length; j++)
                if (j != t && !(logits[t] > logits[j])) return false;
            return true;
        }
        for (int j = 0; j < logits.Length; j++)
            if (j != label && logits[j] > logits[label]) return true;
        return false;
    }

    /// <summary>The first index of the largest logit.</summary>
    public static int Predicted(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int j = 1; j < logits.Length; j++)
            if (logits[j] > logits[best]) best = j;
        return best;
    }

    /// <summary>The largest logit other than <paramref name="except"/>.</summary>
    public static int StrongestOther(ReadOnlySpan<float> logits, int except)
    {
        int best = -1;
        for (int j = 0; j < logits.Length; j++)
            if (j != except && (best < 0 || logits[j] > logits[best])) best = j;
        return best;
    }

    /// <summary>
    /// Re-executes candidate rows in float32 and in float64 (from the same float32 inputs) and keeps those that
    /// reach the goal in both and stay within the attack's budget: the gate before anything is reported.
    /// </summary>
    public static bool[] Confirm(BatchedNetwork network, float[] candidates, int rows, Func<int, int> label, int? target, Func<int, bool> withinBudget)
    {
        var y32 = network.Evaluate(candidates, rows);
        var y64 = network.Evaluate(Array.ConvertAll(candidates, v => (double)v), rows);
        int c = network.OutputSize;
        var ok = new bool[rows];
        for (int r = 0; r < rows; r++)
            ok[r] = withinBudget(r)
                && Reached<float>(y32.AsSpan(r * c, c), label(r), target)
                && Reached<double>(y64.AsSpan(r * c, c), label(r), target);
        return ok;
    }
}
