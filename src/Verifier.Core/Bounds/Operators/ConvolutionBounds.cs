using Verifier.Core.Bounds;
using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

internal static class WindowRows
{
    /// <summary>
    /// The sparse rows of a window operator over NCHW input: for every output (n, m, oy, ox) in order, the inputs
    /// of its window that are not padding, as (channel offset within the window, input index). Padding contributes
    /// exact zeros, so leaving it out changes nothing.
    /// </summary>
    public static (int[] RowStart, int[] Index, int[] Tap) Rows(this Window2D window, Shape input, int outChannels, bool allChannels)
    {
        var (kh, kw, sh, sw, dh, dw) = (window.KernelH, window.KernelW, window.StrideH, window.StrideW, window.DilationH, window.DilationW);
        int n = input[0], c = input[1], h = input[2], w = input[3];
        var (oh, ow, top, left) = window.Output(h, w);
        var rowStart = new List<int> { 0 };
        var index = new List<int>();
        var tap = new List<int>();
        for (int b = 0; b < n; b++)
            for (int m = 0; m < outChannels; m++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++)
                    {
                        int c0 = allChannels ? 0 : m, c1 = allChannels ? c : m + 1;
                        for (int ci = c0; ci < c1; ci++)
                            for (int ky = 0; ky < kh; ky++)
                                for (int kx = 0; kx < kw; kx++)
                                {
                                    int iy = oy * sh - top + ky * dh, ix = ox * sw - left + kx * dw;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    index.Add(((b * c + ci) * h + iy) * w + ix);
                                    tap.Add(((allChannels ? ci : 0) * kh + ky) * kw + kx);
                                }
                        rowStart.Add(index.Count);
                    }
        return (rowStart.ToArray(), index.ToArray(), tap.ToArray());
    }
}

public sealed partial class Conv
{
    public override AffineMap AffineBounds(BoundSignature signature)
    {
        var s = signature.InputShapes[0];
        var (rowStart, index, tap) = Window.Rows(s, OutChannels, allChannels: true);
        var kernel = Kernel.As<double>().Data;
        var b = Bias?.As<double>().Data;
        int patch = InChannels * Window.KernelH * Window.KernelW, outputs = rowStart.Length - 1;
        int perChannel = outputs / (s[0] * OutChannels);
        var weight = new double[index.Length];
        var bias = new double[outputs];
        for (int k = 0; k < outputs; k++)
        {
            int m = k / perChannel % OutChannels;
            bias[k] = b?[m] ?? 0;
            for (int e = rowStart[k]; e < rowStart[k + 1]; e++) weight[e] = kernel[m * patch + tap[e]];
        }
        // The float32 evaluation takes the dot over the whole patch, padding zeros included, then adds the bias.
        return new SparseMap(s.ElementCount, rowStart, index, weight, bias, extraOperations: patch + 1 - SparseMap.MaxRowLength(rowStart));
    }
}

public sealed partial class Pool
{
    /// <summary>AveragePool is a sum then one division; the divisor's float64 reciprocal is off by at most u64.</summary>
    public override AffineMap? AffineBounds(BoundSignature signature)
    {
        if (IsMax) return null;
        var s = signature.InputShapes[0];
        var (rowStart, index, _) = Window.Rows(s, s[1], allChannels: false);
        var weight = new double[index.Length];
        int full = Window.KernelH * Window.KernelW;
        for (int k = 0; k + 1 < rowStart.Length; k++)
        {
            int count = CountIncludePad ? full : rowStart[k + 1] - rowStart[k];
            for (int e = rowStart[k]; e < rowStart[k + 1]; e++) weight[e] = 1.0 / count;
        }
        return new SparseMap(s.ElementCount, rowStart, index, weight, new double[rowStart.Length - 1], extraOperations: 1)
        {
            WeightRelativeError = 2 * Rounding.Unit64,
        };
    }

    /// <summary>MaxPool: the maximum is monotone in every input and computed exactly.</summary>
    public override ValueBounds IntervalBounds(BoundSignature signature, IReadOnlyList<ValueBounds> inputs)
    {
        if (!IsMax) return base.IntervalBounds(signature, inputs);
        var (rowStart, index, _) = Window.Rows(signature.InputShapes[0], signature.InputShapes[0][1], allChannels: false);
        var x = inputs[0];
        int outputs = rowStart.Length - 1;
        var lower = new double[outputs];
        var upper = new double[outputs];
        for (int k = 0; k < outputs; k++)
        {
            double lo = double.NegativeInfinity, hi = double.NegativeInfinity;
            for (int e = rowStart[k]; e < rowStart[k + 1]; e++)
            {
                lo = Math.Max(lo, x.Lower[index[e]]);
                hi = Math.Max(hi, x.Upper[index[e]]);
            }
            (lower[k], upper[k]) = (lo, hi);
        }
        return new ValueBounds(lower, upper);
    }

    public override bool Relaxes => IsMax;

    /// <summary>
    /// MaxPool (DeepPoly / CROWN): below by one window element, x_i (y &gt;= x_i holds for any); above by x_i itself
    /// when its lower bound reaches every other element's upper bound (then y = x_i), else by the constant largest
    /// upper bound, by x_i + (U' - l_i), U' the largest other upper bound (y = x_i or y = x_j &lt;= U' &lt;= x_i + U'
    /// - l_i), or by x_i plus the chords of the other elements (<see cref="Chords"/>), whichever is lowest at
    /// the middle of the window's box. The chords moved CROWN's worst margins on fashion-cnn-adv by a further 0.15-0.8
    /// (test image 4 at eps 0.01 -0.94 -> -0.64, image 3 at eps 0.02 -1.28 -> -0.48; 8 instances, all tighter).
    /// x_i is the element whose interval has the highest
    /// middle, not DeepPoly's largest lower bound: after an unstable ReLU every lower bound is 0, and the first
    /// element of the window won the tie. Measured with CROWN on fashion-cnn-adv (eps 0.01 and 0.02, 11 test images):
    /// every worst margin improved, image 0's from -0.034 to +0.209 (proven without branching), image 4's from -1.10
    /// to -0.94, image 3's at eps 0.02 from -2.01 to -1.28. The maximum is exact in every precision; U' - l_i and the
    /// chords' slopes and intercept are rounded upward. A window of padding only has no relaxation. alpha-CROWN may
    /// replace the lower line by any convex combination of the window, and the upper line by any convex combination of
    /// the three (<see cref="MaxPoolLines"/>).
    /// </summary>
    public override LinearRelaxation? Relax(BoundSignature signature, ValueBounds input)
    {
        if (!IsMax) return null;
        var (rowStart, index, _) = Window.Rows(signature.InputShapes[0], signature.InputShapes[0][1], allChannels: false);
        int outputs = rowStart.Length - 1;
        var (lower, upper) = (new double[index.Length], new double[index.Length]);
        var (lowerIntercept, upperIntercept) = (new double[outputs], new double[outputs]);
        var candidates = new MaxPoolUpperLines(outputs, index.Length);
        for (int k = 0; k < outputs; k++)
        {
            if (rowStart[k + 1] == rowStart[k]) return null;
            int best = rowStart[k];
            double largestUpper = double.NegativeInfinity;
            for (int e = rowStart[k]; e < rowStart[k + 1]; e++)
            {
                if (double.IsNaN(input.Lower[index[e]]) || double.IsNaN(input.Upper[index[e]])) return null;
                if (input.Lower[index[e]] + input.Upper[index[e]] > input.Lower[index[best]] + input.Upper[index[best]]) best = e;
                largestUpper = Math.Max(largestUpper, input.Upper[index[e]]);
            }
            double otherUpper = double.NegativeInfinity;
            for (int e = rowStart[k]; e < rowStart[k + 1]; e++)
                if (e != best) otherUpper = Math.Max(otherUpper, input.Upper[index[e]]);
            var (l, u) = (input.Lower[index[best]], input.Upper[index[best]]);
            lower[best] = 1;
            double shift = Rounding.Up(otherUpper - l);
            candidates.Best[k] = best;
            if (otherUpper <= l)
            {
                upper[best] = 1;
                continue;
            }
            double atMiddle = Chords(input, index, rowStart[k], rowStart[k + 1], best, candidates.ChordSlopes, out double intercept), middle = l + (u - l) / 2;
            (candidates.Constant[k], candidates.Shift[k], candidates.ChordIntercept[k]) = (largestUpper, shift, double.IsFinite(atMiddle) ? intercept : double.NaN);
            if (atMiddle < Math.Min(middle + shift, largestUpper))
            {
                Array.Copy(candidates.ChordSlopes, rowStart[k], upper, rowStart[k], rowStart[k + 1] - rowStart[k]);
                (upperIntercept[k], candidates.Chosen[k]) = (intercept, MaxPoolUpperLines.ChordLine);
            }
            else if (double.IsFinite(shift) && middle + shift < largestUpper)
                (upper[best], upperIntercept[k], candidates.Chosen[k]) = (1, shift, MaxPoolUpperLines.ShiftedLine);
            else (upperIntercept[k], candidates.Chosen[k]) = (largestUpper, MaxPoolUpperLines.ConstantLine);
        }
        var relaxation = new LinearRelaxation(rowStart, index, lower, upper, lowerIntercept, upperIntercept);
        return relaxation with { Parameters = new MaxPoolLines(relaxation, input.Lower, input.Upper, candidates) };
    }

    /// <summary>
    /// y = x_i + max(0, max_j x_j - x_i) &lt;= x_i + sum_j max(0, x_j - l_i), and each convex max(0, x_j - l_i) lies
    /// below its chord over [l_j, u_j]: x_j - l_i where l_j &gt;= l_i, s_j (x_j - l_j) with s_j = (u_j - l_i) / (u_j -
    /// l_j) where l_j &lt; l_i &lt; u_j, 0 where u_j &lt;= l_i. Writes the line's slopes (rounded up) into
    /// <paramref name="slopes"/> and its intercept (rounded up); returns its value at the middle of the window's box.
    /// </summary>
    private static double Chords(ValueBounds input, int[] index, int start, int end, int best, double[] slopes, out double intercept)
    {
        double li = input.Lower[index[best]], sum = 0, magnitude = 0;
        double atMiddle = li + (input.Upper[index[best]] - li) / 2;
        slopes[best] = 1;
        for (int e = start; e < end; e++)
        {
            var (lj, uj) = (input.Lower[index[e]], input.Upper[index[e]]);
            if (e == best || uj <= li) continue;
            double slope = lj >= li ? 1 : Rounding.Up((uj - li) / (uj - lj));
            double term = lj >= li ? -li : Rounding.Up(-slope * lj);
            slopes[e] = slope;
            sum += term;
            magnitude += Math.Abs(term);
            atMiddle += slope * (lj + (uj - lj) / 2) + term;
        }
        intercept = Rounding.Up(sum + Rounding.AccumulationGamma * magnitude);
        return double.IsFinite(atMiddle) && double.IsFinite(intercept) ? atMiddle : double.PositiveInfinity;
    }
}

public sealed partial class BatchNormalization
{
    /// <summary>
    /// y = x * mul + off per channel with mul, off folded in float64. The float32 network folds them in float32,
    /// so the distance between the two foldings (plus the float64 folding's own few u64) is the weight and bias
    /// uncertainty of the map.
    /// </summary>
    public override AffineMap AffineBounds(BoundSignature signature)
    {
        var s = signature.InputShapes[0];
        var (mul, off) = Affine<double>();
        var (mul32, off32) = Affine<float>();
        var (mean, bias) = (Mean.As<double>().Data, BiasValues.As<double>().Data);
        double relative = 8 * Rounding.Unit64;
        for (int c = 0; c < Channels; c++)
            if (mul[c] != 0) relative = Math.Max(relative, Math.Abs(mul32[c] - mul[c]) / Math.Abs(mul[c]) + 8 * Rounding.Unit64);
        int n = s.ElementCount, inner = s.Product(2, s.Rank);
        var scale = new double[n];
        var offset = new double[n];
        var offsetError = new double[n];
        for (int k = 0; k < n; k++)
        {
            int c = k / inner % Channels;
            scale[k] = mul[c];
            offset[k] = off[c];
            offsetError[k] = Math.Abs(off32[c] - off[c]) + Rounding.Gamma(4, Rounding.Unit64) * (Math.Abs(bias[c]) + Math.Abs(mean[c] * mul[c]))
                + Math.Abs(mean[c]) * relative * Math.Abs(mul[c]);
        }
        return SparseMap.Elementwise(n, n, null, scale, offset, relative, offsetError);
    }
}
