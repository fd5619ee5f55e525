using Verifier.Core.Numerics;
using Verifier.Core.Operators;
using Verifier.Dlv.Network;

namespace Verifier.Dlv.Regions;

/// <summary>
/// Maps a grid point of layer k back to an input (ψ⁻¹), layer by layer. At each layer only the previous
/// region's dims are free; every other value keeps its original activation. Dense and Conv layers solve
/// "target neuron = target value" exactly (the code's dense Q2 semantics, QF_LRA with equalities only).
/// ReLU and max-pool are inverted properly unless the compat switches ask for the code's behaviour.
/// </summary>
public static class BackMapping
{
    /// <summary>The input whose layer-<paramref name="regions"/>[^1] values equal <paramref name="point"/> on its region, or null.</summary>
    public static double[]? ToInput(LayeredNetwork net, double[][] activations, Region[] regions, double[] point, DlvOptions options)
    {
        var current = point;
        for (int t = regions.Length - 1; t >= 1; t--)
        {
            var layer = net.Layers[t];
            var free = regions[t - 1].Indices;
            var targets = regions[t].Indices;
            var previous = (double[])activations[t - 1].Clone();
            bool ok = layer.Kind switch
            {
                LayerKind.Dense or LayerKind.Conv when options.SmtSlack is { } slack => SolveWithSmt(net, regions, t, current, previous, slack, options),
                LayerKind.Dense or LayerKind.Conv => SolveAffine(net, t, targets, current, free, previous),
                LayerKind.Relu => InvertRelu(targets, current, previous, options.CompatReluNotInverted),
                LayerKind.MaxPool => InvertMaxPool(net, t, targets, current, previous, options.CompatMaxPoolTopLeft),
                _ => CopyTargets(targets, current, previous), // Flatten, Reshape, Identity: same flat index
            };
            if (!ok) return null;
            current = previous;
        }
        return current;
    }

    private static bool CopyTargets(int[] targets, double[] current, double[] previous)
    {
        foreach (var i in targets) previous[i] = current[i];
        return true;
    }

    private static bool InvertRelu(int[] targets, double[] current, double[] previous, bool compat)
    {
        foreach (var i in targets)
        {
            double v = current[i];
            if (compat || v > 0) previous[i] = v;           // compat: the code treats ReLU as the identity
            else if (v < 0) return false;                   // a negative post-ReLU value has no preimage
            else previous[i] = Math.Min(previous[i], 0);    // zero: any non-positive pre-activation
        }
        return true;
    }

    /// <summary>Writes pooled targets back into the pooling input <paramref name="previous"/> (layer t−1 values).</summary>
    public static bool InvertMaxPool(LayeredNetwork net, int t, int[] targets, double[] current, double[] previous, bool compatTopLeft)
    {
        var pool = (Pool)net.Layers[t].Node!.Operator;
        var input = net.Layers[t - 1];
        int h = input.Shape[1], w = input.Shape[2], oh = net.Layers[t].Shape[1], ow = net.Layers[t].Shape[2];
        var win = pool.Window;
        var (_, _, top, left) = win.Output(h, w);
        foreach (var o in targets)
        {
            int c = o / (oh * ow), oy = o / ow % oh, ox = o % ow;
            var cells = new List<int>();
            for (int ky = 0; ky < win.KernelH; ky++)
                for (int kx = 0; kx < win.KernelW; kx++)
                {
                    int iy = oy * win.StrideH - top + ky * win.DilationH, ix = ox * win.StrideW - left + kx * win.DilationW;
                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) cells.Add((c * h + iy) * w + ix);
                }
            double v = current[o];
            if (compatTopLeft) { previous[cells[0]] = v; continue; } // the code: top-left cell, max not guaranteed
            // Intent: the window's max cell takes v and no other cell may exceed it, so max(window) = v.
            int argmax = cells.MaxBy(i => previous[i]);
            foreach (var i in cells) previous[i] = Math.Min(previous[i], v);
            previous[argmax] = v;
        }
        return true;
    }

    private static bool SolveAffine(LayeredNetwork net, int t, int[] targets, double[] current, int[] free, double[] previous)
    {
        if (targets.Length == 0) return true;
        var inputShape = net.Layers[t - 1].Shape;
        var rows = targets.Select(j => AffineRows.Row(net.Layers[t], inputShape, j)).ToArray();
        // Unknowns are the changes δ of the free dims; rhs = target − row(original values).
        var a = rows.Select(r => free.Select(i => Rational.FromDouble(r.WeightOf(i))).ToArray()).ToArray();
        var b = rows.Select((r, k) => Rational.FromDouble(current[targets[k]]) - ExactApply(r, previous)).ToArray();
        var delta = ExactLinearSystem.Solve(a, b);
        if (delta is null) return false;
        for (int k = 0; k < free.Length; k++) previous[free[k]] = (Rational.FromDouble(previous[free[k]]) + delta[k]).ToDouble();
        return true;
    }

    private static bool SolveWithSmt(LayeredNetwork net, Region[] regions, int t, double[] current, double[] previous, double slack, DlvOptions options)
    {
        var targets = regions[t].Dims;
        if (targets.Count == 0) return true;
        var free = regions[t - 1].Indices;
        var rows = targets.Select(d => AffineRows.Row(net.Layers[t], net.Layers[t - 1].Shape, d.Index)).ToArray();
        var range = t == 1 ? (options.InputLow, options.InputHigh) : ((double, double)?)null;
        var x = Smt.DlvQueries.BackSolve(rows, targets.Select(d => current[d.Index]).ToArray(), targets.Select(d => slack * d.Span).ToArray(),
            free, previous, range, options.SmtTimeout);
        if (x is null) return false;
        for (int k = 0; k < free.Length; k++) previous[free[k]] = x[k];
        return true;
    }

    private static Rational ExactApply(AffineRow row, double[] x)
    {
        var sum = Rational.FromDouble(row.Bias);
        for (int i = 0; i < row.Inputs.Length; i++)
            if (x[row.Inputs[i]] != 0) sum += Rational.FromDouble(row.Weights[i]) * Rational.FromDouble(x[row.Inputs[i]]);
        return sum;
    }
}
