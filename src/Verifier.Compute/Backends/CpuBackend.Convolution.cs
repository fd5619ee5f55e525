using System.Buffers;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Verifier.Compute.Backends;

/// <summary>Convolution on the CPU: im2col + SIMD GEMMs per sample, sample groups in parallel.</summary>
public sealed partial class CpuBackend
{
    /// <summary>
    /// Samples per parallel work item. A constant, not derived from the thread count, so the weight-gradient
    /// partial sums (one per group, added in group order) are the same on every machine.
    /// </summary>
    private const int ConvSamplesPerGroup = 4;

    private float[] _kernelPartials = [];

    /// <summary>
    /// Per sample, y (out, positions) = kernel (out, patch) x columns (patch, positions) on the SIMD GEMM, which
    /// writes NCHW directly; groups of samples run on separate threads, each with its own columns that stay in cache.
    /// </summary>
    public void ConvForward(ConvGeometry g, int batch, ComputeBuffer<float> x, ComputeBuffer<float> kernel, ComputeBuffer<float> bias, ComputeBuffer<float> y)
    {
        var (xd, kd, bd, yd) = (Host(x), Host(kernel), Host(bias), Host(y));
        ForSampleGroups(g, batch, (first, end) =>
        {
            var cols = ArrayPool<float>.Shared.Rent(g.Patch * g.Positions);
            try
            {
                for (int b = first; b < end; b++)
                {
                    Im2Col(g, xd, b * g.InputSize, cols);
                    int yOffset = b * g.OutputSize;
                    CpuGemm.Multiply(GemmLayout.NN, g.OutChannels, g.Positions, g.Patch, kd, 0, cols, 0, yd, yOffset, false, parallel: false);
                    for (int o = 0; o < g.OutChannels; o++)
                    {
                        var plane = yd.AsSpan(yOffset + o * g.Positions, g.Positions);
                        TP.Add(plane, bd[o], plane);
                    }
                }
            }
            finally { ArrayPool<float>.Shared.Return(cols); }
        });
    }

    /// <summary>
    /// Per sample, dKernel += dY (out, positions) x columns^T and dColumns = kernel^T x dY, both on the SIMD GEMM;
    /// each group of samples sums its own (transposed) kernel gradient, and the groups are added in order. Columns are
    /// recomputed, so no state is kept from the forward pass.
    /// </summary>
    public void ConvBackward(ConvGeometry g, int batch, ComputeBuffer<float> x, ComputeBuffer<float> kernel, ComputeBuffer<float> dy,
        ComputeBuffer<float>? dKernel, ComputeBuffer<float>? dBias, ComputeBuffer<float>? dx)
    {
        var (xd, kd, gd) = (Host(x), Host(kernel), Host(dy));
        var dxd = dx is null ? null : Host(dx);
        if (dBias is not null) BiasGradient(dy, dBias, batch, g.OutChannels, g.Positions);
        if (dKernel is null && dxd is null) return;
        int groups = (batch + ConvSamplesPerGroup - 1) / ConvSamplesPerGroup;
        var partials = dKernel is null ? null : Workspace(ref _kernelPartials, (long)groups * g.KernelSize);
        ForSampleGroups(g, batch, (first, end) =>
        {
            int partial = first / ConvSamplesPerGroup * g.KernelSize;
            var cols = partials is null ? null : ArrayPool<float>.Shared.Rent(g.Patch * g.Positions);
            var dCols = dxd is null ? null : ArrayPool<float>.Shared.Rent(g.Patch * g.Positions);
            try
            {
                for (int b = first; b < end; b++)
                {
                    if (cols is not null)
                    {
                        Im2Col(g, xd, b * g.InputSize, cols);
                        // dKernel^T (patch, out) += columns (patch, positions) x dY^T: the columns are packed row by row,
                        // which is cheaper than transposing them as the B operand of dY x columns^T.
                        CpuGemm.Multiply(GemmLayout.NT, g.Patch, g.OutChannels, g.Positions, cols, 0, gd, b * g.OutputSize, partials!, partial, b > first, parallel: false);
                    }
                    if (dCols is null) continue;
                    CpuGemm.Multiply(GemmLayout.TN, g.Patch, g.Positions, g.OutChannels, kd, 0, gd, b * g.OutputSize, dCols, 0, false, parallel: false);
                    Col2Im(g, dCols, dxd!, b * g.InputSize);
                }
            }
            finally
            {
                if (cols is not null) ArrayPool<float>.Shared.Return(cols);
                if (dCols is not null) ArrayPool<float>.Shared.Return(dCols);
            }
        });
        if (partials is null) return;
        var sum = partials.AsSpan(0, g.KernelSize);
        for (int group = 1; group < groups; group++) TP.Add(sum, partials.AsSpan(group * g.KernelSize, g.KernelSize), sum);
        var dkd = Host(dKernel!);
        int patch = g.Patch, outChannels = g.OutChannels;
        for (int q = 0; q < patch; q++)
            for (int o = 0; o < outChannels; o++) dkd[o * patch + q] = sum[q * outChannels + o];
    }

    /// <summary>Runs body(first, end) for each fixed group of samples, groups in parallel when the work is large enough.</summary>
    private static void ForSampleGroups(ConvGeometry g, int batch, Action<int, int> body)
    {
        int groups = (batch + ConvSamplesPerGroup - 1) / ConvSamplesPerGroup;
        void Group(int group) => body(group * ConvSamplesPerGroup, Math.Min(batch, (group + 1) * ConvSamplesPerGroup));
        if ((long)batch * g.KernelSize * g.Positions < ParallelElements || Environment.ProcessorCount == 1 || groups == 1)
            for (int group = 0; group < groups; group++) Group(group);
        else Parallel.For(0, groups, Group);
    }

    private static float[] Workspace(ref float[] buffer, long needed)
    {
        if (needed > Array.MaxLength) throw new ArgumentException($"convolution workspace of {needed} floats is too large; use a smaller batch");
        if (buffer.Length < needed) buffer = new float[needed];
        return buffer;
    }

    /// <summary>
    /// The output positions 0 &lt;= o &lt; <paramref name="outSize"/> whose input index o * step - pad + k lies in
    /// [0, size): a contiguous range, so the loops below need no per-element bounds test.
    /// </summary>
    private static (int First, int End) ValidRange(int k, int pad, int step, int size, int outSize)
    {
        int first = pad > k ? (pad - k + step - 1) / step : 0;
        int last = size - 1 + pad - k;
        int end = last < 0 ? 0 : Math.Min(outSize, last / step + 1);
        return (Math.Min(first, end), end);
    }

    /// <summary>
    /// One sample's columns (patch, positions) for q = (c, ky, kx) and pos = (oy, ox): the layout that makes conv a
    /// GEMM. Rows of a stride-1 convolution are contiguous copies of input rows.
    /// </summary>
    private static void Im2Col(ConvGeometry g, float[] x, int xOffset, float[] cols)
    {
        var (h, w, outH, outW, step, pad) = (g.Height, g.Width, g.OutH, g.OutW, g.Stride, g.Pad);
        int q = 0, positions = outH * outW;
        for (int c = 0; c < g.InChannels; c++)
            for (int ky = 0; ky < g.KernelH; ky++)
            {
                var (oyFirst, oyEnd) = ValidRange(ky, pad, step, h, outH);
                for (int kx = 0; kx < g.KernelW; kx++, q++)
                {
                    var row = cols.AsSpan(q * positions, positions);
                    var (oxFirst, oxEnd) = ValidRange(kx, pad, step, w, outW);
                    row[..(oyFirst * outW)].Clear();
                    row[(oyEnd * outW)..].Clear();
                    for (int oy = oyFirst; oy < oyEnd; oy++)
                    {
                        var target = row.Slice(oy * outW, outW);
                        target[..oxFirst].Clear();
                        target[oxEnd..].Clear();
                        int source = xOffset + (c * h + oy * step - pad + ky) * w - pad + kx;
                        if (step == 1) x.AsSpan(source + oxFirst, oxEnd - oxFirst).CopyTo(target[oxFirst..]);
                        else for (int ox = oxFirst; ox < oxEnd; ox++) target[ox] = x[source + ox * step];
                    }
                }
            }
    }

    /// <summary>Adjoint of <see cref="Im2Col"/>: adds one sample's column gradients back onto its input gradient.</summary>
    private static void Col2Im(ConvGeometry g, float[] cols, float[] dx, int dxOffset)
    {
        var (h, w, outH, outW, step, pad) = (g.Height, g.Width, g.OutH, g.OutW, g.Stride, g.Pad);
        Array.Clear(dx, dxOffset, g.InputSize);
        int q = 0, positions = outH * outW;
        for (int c = 0; c < g.InChannels; c++)
            for (int ky = 0; ky < g.KernelH; ky++)
            {
                var (oyFirst, oyEnd) = ValidRange(ky, pad, step, h, outH);
                for (int kx = 0; kx < g.KernelW; kx++, q++)
                {
                    var (oxFirst, oxEnd) = ValidRange(kx, pad, step, w, outW);
                    for (int oy = oyFirst; oy < oyEnd; oy++)
                    {
                        int target = dxOffset + (c * h + oy * step - pad + ky) * w - pad + kx, source = q * positions + oy * outW;
                        if (step == 1)
                        {
                            var span = dx.AsSpan(target + oxFirst, oxEnd - oxFirst);
                            TP.Add(span, cols.AsSpan(source + oxFirst, oxEnd - oxFirst), span);
                        }
                        else for (int ox = oxFirst; ox < oxEnd; ox++) dx[target + ox * step] += cols[source + ox];
                    }
                }
            }
    }
}
