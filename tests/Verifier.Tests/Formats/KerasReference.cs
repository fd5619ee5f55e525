namespace Verifier.Tests.Formats;

/// <summary>
/// Keras layer semantics written out naively in Keras's own NHWC layout and in float64, as an independent
/// reference for the importer (which works in NCHW internally). "same" padding follows TensorFlow: the total
/// padding max((out-1)*stride + k - in, 0) is split with the odd cell at the bottom/right.
/// </summary>
internal static class KerasReference
{
    /// <summary>x: [h, w, c]; kernel: (kh, kw, c, f) row-major as Keras stores it.</summary>
    public static double[,,] Conv2D(double[,,] x, float[] kernel, float[]? bias, int kh, int kw, int f, int sh, int sw, bool same)
    {
        var (h, w, c, oh, ow, top, left) = Plan(x, kh, kw, sh, sw, same);
        var y = new double[oh, ow, f];
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
                for (int o = 0; o < f; o++)
                {
                    double acc = bias?[o] ?? 0;
                    for (int ky = 0; ky < kh; ky++)
                        for (int kx = 0; kx < kw; kx++)
                        {
                            int iy = oy * sh + ky - top, ix = ox * sw + kx - left;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                            for (int ci = 0; ci < c; ci++) acc += x[iy, ix, ci] * kernel[((ky * kw + kx) * c + ci) * f + o];
                        }
                    y[oy, ox, o] = acc;
                }
        return y;
    }

    public static double[,,] MaxPool(double[,,] x, int ph, int pw, int sh, int sw, bool same)
    {
        var (h, w, c, oh, ow, top, left) = Plan(x, ph, pw, sh, sw, same);
        var y = new double[oh, ow, c];
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
                for (int ci = 0; ci < c; ci++)
                {
                    double best = double.NegativeInfinity;
                    for (int ky = 0; ky < ph; ky++)
                        for (int kx = 0; kx < pw; kx++)
                        {
                            int iy = oy * sh + ky - top, ix = ox * sw + kx - left;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) best = Math.Max(best, x[iy, ix, ci]);
                        }
                    y[oy, ox, ci] = best;
                }
        return y;
    }

    /// <summary>Keras Flatten of channels_last data: row-major over (h, w, c).</summary>
    public static double[] Flatten(double[,,] x) => x.Cast<double>().ToArray();

    /// <summary>kernel: (in, out) row-major as Keras stores it.</summary>
    public static double[] Dense(double[] x, float[] kernel, float[]? bias, int units)
    {
        var y = new double[units];
        for (int o = 0; o < units; o++)
        {
            double acc = bias?[o] ?? 0;
            for (int i = 0; i < x.Length; i++) acc += x[i] * kernel[i * units + o];
            y[o] = acc;
        }
        return y;
    }

    public static double[,,] Relu(double[,,] x)
    {
        var y = (double[,,])x.Clone();
        for (int a = 0; a < y.GetLength(0); a++)
            for (int b = 0; b < y.GetLength(1); b++)
                for (int c = 0; c < y.GetLength(2); c++) y[a, b, c] = Math.Max(0, y[a, b, c]);
        return y;
    }

    public static double[] Softmax(double[] x)
    {
        double max = x.Max();
        var e = x.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    /// <summary>Values laid out row-major as [d0, d1, d2].</summary>
    public static double[,,] Cube(double[] values, int d0, int d1, int d2)
    {
        var x = new double[d0, d1, d2];
        for (int i = 0; i < values.Length; i++) x[i / (d1 * d2), i / d2 % d1, i % d2] = values[i];
        return x;
    }

    /// <summary>Input size, output size and the padding before the first row and column of a sliding window.</summary>
    private static (int H, int W, int C, int OutH, int OutW, int Top, int Left) Plan(double[,,] x, int kh, int kw, int sh, int sw, bool same)
    {
        int h = x.GetLength(0), w = x.GetLength(1);
        var (oh, top) = Geometry(h, kh, sh, same);
        var (ow, left) = Geometry(w, kw, sw, same);
        return (h, w, x.GetLength(2), oh, ow, top, left);
    }

    private static (int Out, int Before) Geometry(int size, int k, int stride, bool same)
    {
        if (!same) return ((size - k) / stride + 1, 0);
        int outSize = (size + stride - 1) / stride;
        int total = Math.Max((outSize - 1) * stride + k - size, 0);
        return (outSize, total / 2);
    }
}
