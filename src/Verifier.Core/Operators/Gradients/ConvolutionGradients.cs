using System.Numerics;
using Verifier.Core.Numerics;
using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

public sealed partial class Conv
{
    /// <summary>
    /// Per image: the gradient of every im2col patch is gy^T K (one dense product), then each patch value is
    /// added back to the input pixel it was copied from (col2im), padding dropped.
    /// </summary>
    public override Tensor<T>?[] Backward<T>(IReadOnlyList<Tensor<T>> inputs, IReadOnlyList<Tensor<T>> outputs,
        IReadOnlyList<Tensor<T>> outputGradients, IReadOnlyList<bool> wanted)
    {
        var x = inputs[0];
        var gy = outputGradients[0].Data;
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var (oh, ow, top, left) = Window.Output(h, w);
        int kh = Window.KernelH, kw = Window.KernelW, patch = c * kh * kw, m = OutChannels, positions = oh * ow;
        var kernelPatchMajor = DenseKernels.Transposed(Kernel.As<T>().Data, m, patch);
        var gx = new T[x.Data.Length];
        var sources = PatchSources(c, h, w);
        Parallel.For(0, n, b =>
        {
            var gyPositionMajor = DenseKernels.Transposed(gy.AsSpan(b * m * positions, m * positions).ToArray(), m, positions);
            var cols = new T[positions * patch];
            DenseKernels.MultiplyTransposed(gyPositionMajor, kernelPatchMajor, cols, positions, patch, m);
            int xBase = b * c * h * w;
            for (int p = 0; p < cols.Length; p++)
                if (sources[p] >= 0) gx[xBase + sources[p]] += cols[p];
        });
        return FirstOnly(inputs.Count, new Tensor<T>(x.Shape, gx));
    }

    /// <summary>
    /// The im2col layout shared by the forward and backward passes: for every (output position, patch element),
    /// the offset of the input value within one image, or -1 where the window lies in the padding.
    /// </summary>
    private int[] PatchSources(int c, int h, int w)
    {
        var (oh, ow, top, left) = Window.Output(h, w);
        int kh = Window.KernelH, kw = Window.KernelW, patch = c * kh * kw;
        var sources = new int[oh * ow * patch];
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
            {
                int p = (oy * ow + ox) * patch;
                for (int ci = 0; ci < c; ci++)
                    for (int ky = 0; ky < kh; ky++)
                    {
                        int iy = oy * Window.StrideH - top + ky * Window.DilationH;
                        for (int kx = 0; kx < kw; kx++, p++)
                        {
                            int ix = ox * Window.StrideW - left + kx * Window.DilationW;
                            sources[p] = iy < 0 || iy >= h || ix < 0 || ix >= w ? -1 : (ci * h + iy) * w + ix;
                        }
                    }
            }
        return sources;
    }
}

public sealed partial class Pool
{
    /// <summary>MaxPool routes each gradient to the first maximal element of its window; AveragePool spreads it evenly.</summary>
    public override Tensor<T>?[] Backward<T>(IReadOnlyList<Tensor<T>> inputs, IReadOnlyList<Tensor<T>> outputs,
        IReadOnlyList<Tensor<T>> outputGradients, IReadOnlyList<bool> wanted)
    {
        var x = inputs[0];
        var gy = outputGradients[0].Data;
        int planes = x.Shape[0] * x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var (oh, ow, top, left) = Window.Output(h, w);
        var gx = new T[x.Data.Length];
        var window = new List<int>(Window.KernelH * Window.KernelW);
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                {
                    int count = WindowElements(p, oy, ox, h, w, window);
                    T g = gy[(p * oh + oy) * ow + ox];
                    if (IsMax)
                    {
                        int best = -1;
                        T acc = T.NegativeInfinity;
                        foreach (int i in window)
                            if (best < 0 || x.Data[i] > acc || T.IsNaN(x.Data[i])) { acc = x.Data[i]; best = i; }
                        if (best >= 0) gx[best] += g;
                    }
                    else
                    {
                        T share = g / T.CreateChecked(count);
                        foreach (int i in window) gx[i] += share;
                    }
                }
        return FirstOnly(inputs.Count, new Tensor<T>(x.Shape, gx));
    }

    /// <summary>
    /// Fills <paramref name="window"/> with the input offsets one output of <paramref name="plane"/> reads (padding
    /// skipped) and returns the divisor AveragePool uses: the elements read, plus the padding if it counts.
    /// </summary>
    private int WindowElements(int plane, int oy, int ox, int h, int w, List<int> window)
    {
        var (_, _, top, left) = Window.Output(h, w);
        window.Clear();
        int count = 0;
        for (int ky = 0; ky < Window.KernelH; ky++)
            for (int kx = 0; kx < Window.KernelW; kx++)
            {
                int iy = oy * Window.StrideH - top + ky * Window.DilationH;
                int ix = ox * Window.StrideW - left + kx * Window.DilationW;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) { if (CountIncludePad) count++; continue; }
                window.Add((plane * h + iy) * w + ix);
                count++;
            }
        return count;
    }
}

public sealed partial class BatchNormalization
{
    public override Tensor<T>?[] Backward<T>(IReadOnlyList<Tensor<T>> inputs, IReadOnlyList<Tensor<T>> outputs,
        IReadOnlyList<Tensor<T>> outputGradients, IReadOnlyList<bool> wanted)
    {
        var x = inputs[0];
        var gy = outputGradients[0].Data;
        var (mul, _) = Affine<T>();
        int n = x.Shape[0], inner = x.Shape.Product(2, x.Shape.Rank);
        var gx = new T[gy.Length];
        for (int b = 0; b < n; b++)
            for (int c = 0; c < Channels; c++)
            {
                int o = (b * Channels + c) * inner;
                for (int i = o; i < o + inner; i++) gx[i] = gy[i] * mul[c];
            }
        return FirstOnly(inputs.Count, new Tensor<T>(x.Shape, gx));
    }
}
