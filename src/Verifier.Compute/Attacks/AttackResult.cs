namespace Verifier.Compute.Attacks;

/// <summary>
/// The outcome of a classification attack on a set of images. An attack only ever finds examples; an image
/// it did not break is not thereby proven robust.
/// </summary>
/// <param name="Adversarial">Per image, a confirmed adversarial input (flattened), or null.</param>
/// <param name="Attacked">Images the attack tried: correctly classified, and not already of the target class.</param>
public sealed record AttackResult(string Method, int Count, int CleanCorrect, int Attacked, float[]?[] Adversarial, TimeSpan Elapsed)
{
    public int Succeeded => Adversarial.Count(a => a is not null);
    public double CleanAccuracy => Count == 0 ? 0 : (double)CleanCorrect / Count;

    /// <summary>Correctly classified and not broken by this attack (an upper bound on the true robust accuracy).</summary>
    public double RobustAccuracy => Count == 0 ? 0 : (double)(CleanCorrect - Succeeded) / Count;

    public double SuccessRate => Attacked == 0 ? 0 : (double)Succeeded / Attacked;
}

/// <summary>Whether a candidate lies within the attack's allowed perturbations of its original.</summary>
internal delegate bool BudgetCheck(ReadOnlySpan<float> candidate, ReadOnlySpan<float> origin);

/// <summary>The images still under attack: their indices, current points and originals, compacted as they fall.</summary>
internal sealed class ActiveRows
{
    private readonly int _width;

    /// <param name="bounds">The interval each coordinate must stay in, given its original value.</param>
    public ActiveRows(int[] images, float[] allImages, int width, Func<float, (float Lower, float Upper)> bounds)
    {
        _width = width;
        Images = images;
        Origin = new float[images.Length * width];
        for (int r = 0; r < images.Length; r++) Array.Copy(allImages, images[r] * width, Origin, r * width, width);
        X = (float[])Origin.Clone();
        Lower = new float[Origin.Length];
        Upper = new float[Origin.Length];
        for (int i = 0; i < Origin.Length; i++) (Lower[i], Upper[i]) = bounds(Origin[i]);
    }

    public int[] Images { get; private set; }
    public float[] Origin { get; private set; }
    public float[] X { get; private set; }
    public float[] Lower { get; private set; }
    public float[] Upper { get; private set; }
    public int Count => Images.Length;

    public Span<float> Row(int r) => X.AsSpan(r * _width, _width);
    public ReadOnlySpan<float> OriginRow(int r) => Origin.AsSpan(r * _width, _width);

    /// <summary>Clamps row r into its per-coordinate interval.</summary>
    public void Clamp(int r)
    {
        var x = Row(r);
        System.Numerics.Tensors.TensorPrimitives.Max(x, Lower.AsSpan(r * _width, _width), x);
        System.Numerics.Tensors.TensorPrimitives.Min(x, Upper.AsSpan(r * _width, _width), x);
    }

    /// <summary>Drops the rows marked done.</summary>
    public void Remove(bool[] done)
    {
        int kept = done.Count(d => !d);
        if (kept == Count) return;
        var images = new int[kept];
        var keptRows = Enumerable.Range(0, Count).Where(r => !done[r]).ToArray();
        for (int k = 0; k < kept; k++) images[k] = Images[keptRows[k]];
        (Images, Origin, X, Lower, Upper) = (images, Kept(Origin, keptRows), Kept(X, keptRows), Kept(Lower, keptRows), Kept(Upper, keptRows));
    }

    private float[] Kept(float[] data, int[] keptRows)
    {
        var result = new float[keptRows.Length * _width];
        for (int k = 0; k < keptRows.Length; k++) Array.Copy(data, keptRows[k] * _width, result, k * _width, _width);
        return result;
    }

    /// <summary>
    /// Records the rows whose outputs (first <see cref="Count"/> rows of <paramref name="outputs"/>) reach the
    /// goal and survive confirmation and the budget check; returns which rows are done.
    /// </summary>
    public bool[] Harvest(BatchedNetwork network, float[] outputs, int[] labels, int? target, BudgetCheck withinBudget, float[]?[] adversarial)
    {
        int c = network.OutputSize;
        var hits = Enumerable.Range(0, Count).Where(r => Targets.Reached<float>(outputs.AsSpan(r * c, c), labels[Images[r]], target)).ToArray();
        var done = new bool[Count];
        if (hits.Length == 0) return done;
        var candidates = new float[hits.Length * _width];
        for (int k = 0; k < hits.Length; k++) Row(hits[k]).CopyTo(candidates.AsSpan(k * _width, _width));
        var confirmed = Targets.Confirm(network, candidates, hits.Length, k => labels[Images[hits[k]]], target,
            k => withinBudget(candidates.AsSpan(k * _width, _width), OriginRow(hits[k])));
        for (int k = 0; k < hits.Length; k++)
            if (confirmed[k])
            {
                adversarial[Images[hits[k]]] = candidates.AsSpan(k * _width, _width).ToArray();
                done[hits[k]] = true;
            }
        return done;
    }
}
