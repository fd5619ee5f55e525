using System.Diagnostics;
using Verifier.Core.Graph;

namespace Verifier.Compute.Attacks;

/// <summary>
/// The Jacobian-based saliency map attack (Papernot et al., 2016), batched: each iteration is one forward and
/// one backward pass over two copies of the unbroken images, seeded with the target logit and with the sum of
/// the other logits. Each image then changes the pair of features with the largest saliency
/// (a * |b| where the target gradient a and the others' gradient b pull the right ways) by theta, until the
/// goal is reached, no salient pair remains, or the max-distortion budget of changed features is spent.
/// </summary>
public static class Jsma
{
    public static AttackResult Run(NetworkGraph graph, float[] images, int[] labels, JsmaOptions options, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var network = new BatchedNetwork(graph);
        options.Validate(network.OutputSize);
        int d = network.InputSize, c = network.OutputSize;
        var clean = CleanRun.Start(network, images, labels, options.TargetClass);
        var adversarial = new float[]?[labels.Length];
        int maxChanged = (int)Math.Floor(d * options.MaxDistortion);
        int iterations = maxChanged / 2;
        float sign = options.Theta > 0 ? 1f : -1f;

        // Per image: the class to push towards, and the features that can still move in theta's direction.
        var target = new int[labels.Length];
        var domain = new bool[labels.Length][];
        var rows = new ActiveRows(clean.Attackable, images, d, _ => (options.InputMin, options.InputMax));
        for (int r = 0; r < rows.Count; r++)
        {
            int image = rows.Images[r];
            target[image] = options.TargetClass ?? Targets.StrongestOther(clean.Logits.AsSpan(image * c, c), labels[image]);
            domain[image] = new bool[d];
            var x = rows.Row(r);
            for (int i = 0; i < d; i++) domain[image][i] = sign > 0 ? x[i] < options.InputMax : x[i] > options.InputMin;
        }

        for (int iteration = 0; rows.Count > 0; iteration++)
        {
            cancellation.ThrowIfCancellationRequested();
            int n = rows.Count;
            if (iteration == iterations)
            {
                rows.Harvest(network, network.Evaluate(rows.X, n), labels, options.TargetClass, (x, o) => WithinBudget(x, o, options, maxChanged), adversarial);
                break;
            }
            var doubled = new float[2 * n * d];
            rows.X.CopyTo(doubled, 0);
            rows.X.CopyTo(doubled, n * d);
            var (outputs, gradient) = network.Gradient<float>(doubled, 2 * n, (r, _, s) =>
            {
                int t = target[rows.Images[r % n]];
                if (r < n) s[t] = 1f;
                else { s.Fill(1f); s[t] = 0f; }
            });
            var done = rows.Harvest(network, outputs, labels, options.TargetClass, (x, o) => WithinBudget(x, o, options, maxChanged), adversarial);
            Parallel.For(0, n, r =>
            {
                if (done[r]) return;
                int image = rows.Images[r];
                var (p, q) = MostSalientPair(gradient.AsSpan(r * d, d), gradient.AsSpan((n + r) * d, d), domain[image], sign);
                if (p < 0) { done[r] = true; return; }
                var x = rows.Row(r);
                foreach (int i in (int[])[p, q])
                {
                    x[i] = (float)Math.Clamp(x[i] + options.Theta, options.InputMin, options.InputMax);
                    if (x[i] == (sign > 0 ? options.InputMax : options.InputMin)) domain[image][i] = false;
                }
            });
            rows.Remove(done);
        }
        return new AttackResult("jsma", labels.Length, clean.CleanCorrect, clean.Attackable.Length, adversarial, clock.Elapsed);
    }

    /// <summary>
    /// The pair (p, q) of searchable features maximising |a_p + a_q| * |b_p + b_q| where moving both by theta
    /// raises the target logit (sign * (a_p + a_q) &gt; 0) and lowers the others (sign * (b_p + b_q) &lt; 0); (-1, -1) if none.
    /// </summary>
    private static (int, int) MostSalientPair(ReadOnlySpan<float> targetGradient, ReadOnlySpan<float> othersGradient, bool[] domain, float sign)
    {
        var candidates = new List<int>();
        for (int i = 0; i < domain.Length; i++)
            if (domain[i]) candidates.Add(i);
        var a = new float[candidates.Count];
        var b = new float[candidates.Count];
        for (int k = 0; k < a.Length; k++)
        {
            a[k] = sign * targetGradient[candidates[k]];
            b[k] = sign * othersGradient[candidates[k]];
        }
        float best = 0;
        (int, int) pair = (-1, -1);
        for (int i = 0; i < a.Length; i++)
            for (int j = i + 1; j < a.Length; j++)
            {
                float alpha = a[i] + a[j], beta = b[i] + b[j];
                if (alpha > 0 && beta < 0 && -alpha * beta > best)
                {
                    best = -alpha * beta;
                    pair = (candidates[i], candidates[j]);
                }
            }
        return pair;
    }

    private static bool WithinBudget(ReadOnlySpan<float> x, ReadOnlySpan<float> origin, JsmaOptions options, int maxChanged)
    {
        int changed = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (!(x[i] >= options.InputMin && x[i] <= options.InputMax)) return false;
            if (x[i] != origin[i]) changed++;
        }
        return changed <= maxChanged;
    }
}
