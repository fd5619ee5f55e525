namespace Verifier.Core.Bounds;

public sealed partial class BoundAnalyzer
{
    /// <summary>
    /// alpha-CROWN for one spec row: the lower slopes of the unstable neurons are optimisation variables in
    /// [a, 1]; every choice gives a sound bound, so the best one evaluated is returned. The ascent uses a
    /// simultaneous-perturbation gradient estimate (two bound evaluations per iteration along a random +-1
    /// direction) and a projected sign step of decaying size: no autodiff, deterministic for a fixed seed.
    /// </summary>
    private double OptimiseSlopes(BoundState state, LinearSpec spec, int row, AlphaOptions options)
    {
        var current = new double[_activations.Count][];
        var unstable = new List<(int Layer, int Neuron, double Min)>();
        foreach (var layer in _activations)
        {
            var (l, u) = (state.ActivationInput(layer).Lower, state.ActivationInput(layer).Upper);
            var slopes = new double[layer.Size];
            for (int j = 0; j < layer.Size; j++)
            {
                slopes[j] = u[j] >= -l[j] ? 1 : layer.NegativeSlope;
                if (l[j] < 0 && u[j] > 0) unstable.Add((layer.Index, j, layer.NegativeSlope));
            }
            current[layer.Index] = slopes;
        }
        double best = RowBound(state, spec, row, current);
        if (unstable.Count == 0) return best;
        var random = new Random(options.Seed + row);
        var direction = new int[unstable.Count];
        double step = options.InitialStep;
        for (int it = 0; it < options.Iterations; it++, step *= options.Decay)
        {
            for (int k = 0; k < direction.Length; k++) direction[k] = random.Next(2) * 2 - 1;
            var plus = Perturbed(current, unstable, direction, step);
            var minus = Perturbed(current, unstable, direction, -step);
            double fPlus = RowBound(state, spec, row, plus), fMinus = RowBound(state, spec, row, minus);
            // The sign of the estimated directional derivative picks the side; keep the move only if it helped.
            var (candidate, value) = fPlus >= fMinus ? (plus, fPlus) : (minus, fMinus);
            if (value > best)
            {
                best = value;
                current = candidate;
            }
        }
        return best;
    }

    private static double[][] Perturbed(double[][] slopes, List<(int Layer, int Neuron, double Min)> unstable, int[] direction, double step)
    {
        var copy = slopes.Select(s => (double[])s.Clone()).ToArray();
        for (int k = 0; k < unstable.Count; k++)
        {
            var (layer, j, min) = unstable[k];
            copy[layer][j] = Math.Clamp(copy[layer][j] + step * direction[k], min, 1);
        }
        return copy;
    }
}
