using Verifier.Core.Operators;
using Verifier.Dlv.Network;

namespace Verifier.Dlv.Regions;

/// <summary>
/// Layer-by-layer region synthesis: η_{t−1} ↦ η_t such that every point of η_{t−1} maps into η_t
/// (the refinement condition), then precision synthesis re-grids the new dims.
/// </summary>
public static class RegionSynthesis
{
    /// <summary>Regions for chain positions 0..<paramref name="target"/>; [0] is <paramref name="input"/>.</summary>
    public static Region[] Propagate(LayeredNetwork net, double[][] activations, Region input, int target, DlvOptions options)
    {
        var regions = new Region[target + 1];
        regions[0] = input;
        for (int t = 1; t <= target; t++) regions[t] = Step(net, activations, regions[t - 1], options);
        return regions;
    }

    /// <summary>The region of the layer after <paramref name="prev"/>'s layer.</summary>
    public static Region Step(LayeredNetwork net, double[][] activations, Region prev, DlvOptions options)
    {
        int t = prev.Layer + 1;
        var layer = net.Layers[t];
        return layer.Kind switch
        {
            LayerKind.Dense or LayerKind.Conv => Precision(AffineRegion(net, activations, t, prev, options), options),
            LayerKind.MaxPool => Remap(t, activations[t], prev, i => PooledIndex((Pool)layer.Node!.Operator, net.Layers[t - 1], layer, i)),
            LayerKind.Flatten when options.CompatFlattenIndex => Remap(t, activations[t], prev, i => CompatFlatIndex(net.Layers[t - 1], i)),
            _ => Remap(t, activations[t], prev, i => i), // ReLU, Flatten and Identity keep the flat index
        };
    }

    /// <summary>Same dims (through <paramref name="map"/>), spans and steps, centred on this layer's values; duplicates merged.</summary>
    private static Region Remap(int layer, double[] values, Region prev, Func<int, int> map)
    {
        var dims = new Dictionary<int, RegionDim>();
        foreach (var d in prev.Dims)
        {
            int i = map(d.Index);
            if (i < 0 || i >= values.Length) continue; // only the compat Flatten bug can leave the layer
            if (!dims.TryGetValue(i, out var seen) || seen.HalfWidth < d.HalfWidth) dims[i] = d with { Index = i, Centre = values[i] };
        }
        return new Region(layer, [.. dims.Values]);
    }

    /// <summary>Pool output cell whose window holds input cell i (the first one for overlapping windows).</summary>
    public static int PooledIndex(Pool pool, DlvLayer input, DlvLayer output, int i)
    {
        int h = input.Shape[1], w = input.Shape[2], oh = output.Shape[1], ow = output.Shape[2];
        int c = i / (h * w), y = i / w % h, x = i % w;
        var win = pool.Window;
        var (_, _, top, left) = win.Output(h, w);
        int oy = Math.Clamp((y + top - (win.KernelH - 1) * win.DilationH + win.StrideH - 1) / win.StrideH, 0, oh - 1);
        int ox = Math.Clamp((x + left - (win.KernelW - 1) * win.DilationW + win.StrideW - 1) / win.StrideW, 0, ow - 1);
        return (c * oh + oy) * ow + ox;
    }

    /// <summary>The original code's Flatten index c·H·W + i·W + W (it should add j); kept for compat runs only.</summary>
    public static int CompatFlatIndex(DlvLayer input, int i)
    {
        if (input.Shape.Rank != 3) return i;
        int h = input.Shape[1], w = input.Shape[2];
        int c = i / (h * w), y = i / w % h;
        return c * h * w + y * w + w;
    }

    /// <summary>The region of Dense/Conv layer <paramref name="t"/> before precision synthesis.</summary>
    public static Region AffineRegion(LayeredNetwork net, double[][] activations, int t, Region prev, DlvOptions options)
    {
        var layer = net.Layers[t];
        var inputShape = net.Layers[t - 1].Shape;
        // The region centre: post-ReLU when the ReLU is fused into this Dense layer, else the layer's own output.
        bool fused = layer.Kind == LayerKind.Dense && net.FuseReluIntoDense && t + 1 < net.Layers.Count && net.Layers[t + 1].Kind == LayerKind.Relu;
        var centres = fused ? activations[t + 1] : activations[t];
        var previousDims = prev.Indices;
        int[] neurons = layer.Node!.Operator is Conv conv
            ? FeatureSelection.ConvNeurons(conv, inputShape, layer.Shape, centres, previousDims)
            : FeatureSelection.TopByDistanceFromMean(centres, previousDims.Length);
        var rows = neurons.Select(j => AffineRows.Row(layer, inputShape, j)).ToArray();
        var dims = new List<RegionDim>();
        for (int k = 0; k < neurons.Length; k++)
        {
            int j = neurons[k];
            if (layer.Kind == LayerKind.Dense && options.DenseRegion == RegionSynthMethod.Condense)
            {
                var (span, halfSteps) = Condense(rows[k], activations[t - 1], prev.Dims, options.Tolerance);
                dims.Add(new RegionDim(j, centres[j], span, prev.Dims[k].NumSpan * halfSteps));
            }
            else
            {
                double sp = prev.MaxSpan;
                int closedForm = ContainmentSteps(rows[k], prev.Dims, rows[k].Apply(activations[t - 1]), centres[j], sp);
                if (options.SmtRegionSteps) closedForm = SmtSteps(rows[k], prev.Dims, activations[t - 1], centres[j], closedForm, sp, options.SmtTimeout);
                dims.Add(new RegionDim(j, centres[j], sp, Math.Max(prev.MaxNumSpan, closedForm)));
            }
        }
        return new Region(t, dims);
    }

    /// <summary>
    /// Z3 decides the step starting from the closed form's m: the smallest m whose ∀ query is sat. They differ only
    /// where the double arithmetic of the closed form rounds across an exact boundary; an unknown answer keeps m.
    /// </summary>
    private static int SmtSteps(AffineRow row, IReadOnlyList<RegionDim> box, double[] previous, double centre, int m, double sp, TimeSpan timeout)
    {
        Verifier.Smt.Z3Status Holds(int steps) => Smt.DlvQueries.Contains(row, box, previous, centre, steps, sp, timeout);
        while (Holds(m) == Verifier.Smt.Z3Status.Unsat) m++;
        while (m > 0 && Holds(m - 1) == Verifier.Smt.Z3Status.Sat) m--;
        return m;
    }

    /// <summary>
    /// Closed form of the ∀∃ query Q1: the box ×_i [a_i ± sp_i·m_i] maps into [centre ± m·sp] iff
    /// |affineCentre − centre| + R ≤ m·sp with R = Σ_i |w_i|·sp_i·m_i (the max of an affine map over a box).
    /// </summary>
    public static int ContainmentSteps(AffineRow row, IReadOnlyList<RegionDim> box, double affineCentre, double centre, double sp)
    {
        double radius = Math.Abs(affineCentre - centre);
        foreach (var d in box) radius += Math.Abs(row.WeightOf(d.Index)) * d.HalfWidth;
        return (int)Math.Ceiling(radius / sp - 1e-12);
    }

    /// <summary>
    /// The code's Dense "condense" region: half-width = Σ_S |sp·m·w| + |Σ_{not S} w·a + b| (the second term is
    /// how the code does it and widens the region), grid step g = findMin over all one-step changes ±w·sp.
    /// Returns (g, ⌈half/g⌉).
    /// </summary>
    public static (double Span, int Steps) Condense(AffineRow row, ReadOnlySpan<double> previous, IReadOnlyList<RegionDim> box, double tolerance)
    {
        var inRegion = box.Select(d => d.Index).ToHashSet();
        double half = 0, rest = row.Bias;
        for (int i = 0; i < row.Inputs.Length; i++)
        {
            if (inRegion.Contains(row.Inputs[i])) continue;
            rest += row.Weights[i] * previous[row.Inputs[i]];
        }
        foreach (var d in box) half += Math.Abs(d.HalfWidth * row.WeightOf(d.Index));
        half += Math.Abs(rest);
        var changes = OneStepChanges(row, box).Append(half).Select(Math.Abs).Where(v => v > 0).ToArray();
        if (changes.Length == 0) return (1, 0);
        double g = changes.Min();
        while (changes.Any(v => v % g > tolerance)) g /= 2;
        return (g, (int)Math.Ceiling(half / g - 1e-12));
    }

    /// <summary>All 2^|S| sums Σ ±w_l·sp_l (capped at 16 dims: the code enumerates them all too).</summary>
    private static IEnumerable<double> OneStepChanges(AffineRow row, IReadOnlyList<RegionDim> box)
    {
        var terms = box.Take(16).Select(d => row.WeightOf(d.Index) * d.Span).ToArray();
        for (int mask = 0; mask < 1 << terms.Length; mask++)
        {
            double sum = 0;
            for (int b = 0; b < terms.Length; b++) sum += (mask >> b & 1) == 0 ? terms[b] : -terms[b];
            yield return sum;
        }
    }

    /// <summary>precisionSynth: re-grid every dim to step p: numSpan := ⌈span·numSpan/p⌉, span := p.</summary>
    public static Region Precision(Region region, DlvOptions options)
    {
        if (region.Dims.Count == 0) return region;
        double p = options.Precision ?? region.Dims.Min(d => d.Span);
        return region with { Dims = region.Dims.Select(d => d with { Span = p, NumSpan = (int)Math.Ceiling(d.HalfWidth / p - 1e-12) }).ToArray() };
    }
}
