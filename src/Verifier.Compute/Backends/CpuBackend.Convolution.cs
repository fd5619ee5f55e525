using System.Buffers;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Verifier.Compute.Backends;

/// <summary>Convolution (im2col + GEMM per sample, samples in parallel) and max pooling on the CPU.</summary>
public sealed partial class CpuBackend
{
    private float[] _columns = [];

    public void ConvForward(ConvGeometry g, int batch, ComputeBuffer<float> x, ComputeBuffer<float> kernel, ComputeBuffer<float> bias, ComputeBuffer<float> y)
    {
        var (xd, kd, yd) = (Host(x), Host(kernel), Host(y));
        var cols = Columns(g, batch);
        ForEach(batch, g.KernelSize * g.Positions, b =>
        {
            int colOffset = b * g.Patch * g.Positions;
            Im2Col(g, xd, b * g.InputSize, cols, colOffset);
            CpuGemm.Multiply(GemmLayout.NN, g.OutChannels, g.Positions, g.Patch, kd, 0, cols, colOffset, yd, b * g.OutputSize, false, parallel: false);
        });
        AddBias(y, bias, batch, g.OutChannels, g.Positions);
    }

    /// <summary>Recomputes the columns (cheap next to the GEMMs) so the result does not depend on an earlier forward call.</summary>
    public void ConvBackward(ConvGeometry g, int batch, ComputeBuffer<float> x, ComputeBuffer<float> kernel, ComputeBuffer<float> dy,
        ComputeBuffer<float> dKernel, ComputeBuffer<float> dBias, ComputeBuffer<float>? dx)
    {
        var (xd, kd, gd, dk) = (Host(x), Host(kernel), Host(dy), Host(dKernel));
        var cols = Columns(g, batch);
        int patch = g.Patch, positions = g.Positions, outC = g.OutChannels;
        ForEach(batch, patch * positions, b => Im2Col(g, xd, b * g.InputSize, cols, b * patch * positions));
        // dK[o, q] = sum over samples and positions of dy[b, o, :] . cols[b, q, :], always in sample order.
        ForEach(outC * patch, batch * positions, index =>
        {
            int o = index / patch, q = index % patch;
            float sum = 0f;
            for (int b = 0; b < batch; b++)
                sum += TP.Dot(gd.AsSpan(b * g.OutputSize + o * positions, positions), cols.AsSpan((b * patch + q) * positions, positions));
            dk[index] = sum;
        });
        BiasGradient(dy, dBias, batch, outC, positions);
        if (dx is null) return;
        var dxd = Host(dx);
        ForEach(batch, g.KernelSize * positions, b =>
        {
            var dCols = ArrayPool<float>.Shared.Rent(patch * positions);
            try
            {
                CpuGemm.Multiply(GemmLayout.TN, patch, positions, outC, kd, 0, gd, b * g.OutputSize, dCols, 0, false, parallel: false);
                Col2Im(g, dCols, dxd, b * g.InputSize);
            }
            finally { ArrayPool<float>.Shared.Return(dCols); }
        });
    }

    public void MaxPoolForward(PoolGeometry g, int batch, ComputeBuffer<float> x, ComputeBuffer<float> y, ComputeBuffer<int> argmax)
    {
        var (xd, yd, ad) = (Host(x), Host(y), Host(argmax));
        int planeIn = g.Height * g.Width, planeOut = g.OutH * g.OutW;
        ForEach(batch * g.Channels, planeOut * g.Size * g.Size, plane =>
        {
            for (int oy = 0; oy < g.OutH; oy++)
                for (int ox = 0; ox < g.OutW; ox++)
                {
                    int best = plane * planeIn + oy * g.Stride * g.Width + ox * g.Stride;
                    for (int ky = 0; ky < g.Size; ky++)
                        for (int kx = 0; kx < g.Size; kx++)
                        {
                            int index = plane * planeIn + (oy * g.Stride + ky) * g.Width + ox * g.Stride + kx;
                            if (xd[index] > xd[best]) best = index;
                        }
                    int o = plane * planeOut + oy * g.OutW + ox;
                    yd[o] = xd[best];
                    ad[o] = best;
                }
        });
    }

    public void MaxPoolBackward(PoolGeometry g, int batch, ComputeBuffer<float> dy, ComputeBuffer<int> argmax, ComputeBuffer<float> dx)
    {
        var (gd, ad, dxd) = (Host(dy), Host(argmax), Host(dx));
        int planeIn = g.Height * g.Width, planeOut = g.OutH * g.OutW;
        // Each plane's sources lie in that plane, so planes can run in parallel without races.
        ForEach(batch * g.Channels, planeIn, plane =>
        {
            Array.Clear(dxd, plane * planeIn, planeIn);
            for (int o = plane * planeOut; o < (plane + 1) * planeOut; o++) dxd[ad[o]] += gd[o];
        });
    }

    private float[] Columns(ConvGeometry g, int batch)
    {
        long needed = (long)batch * g.Patch * g.Positions;
        if (needed > Array.MaxLength) throw new ArgumentException($"im2col workspace of {needed} floats is too large; use a smaller batch");
        if (_columns.Length < needed) _columns = new float[needed];
        return _columns;
    }

    /// <summary>cols[q, pos] for q = (c, ky, kx) and pos = (oy, ox): the patch layout that makes conv a GEMM.</summary>
    private static void Im2Col(ConvGeometry g, float[] x, int xOffset, float[] cols, int colOffset)
    {
        var (h, w, outH, outW, stride, pad) = (g.Height, g.Width, g.OutH, g.OutW, g.Stride, g.Pad);
        int q = 0;
        for (int c = 0; c < g.InChannels; c++)
            for (int ky = 0; ky < g.KernelH; ky++)
                for (int kx = 0; kx < g.KernelW; kx++, q++)
                {
                    var row = cols.AsSpan(colOffset + q * outH * outW, outH * outW);
                    for (int oy = 0; oy < outH; oy++)
                    {
                        int iy = oy * stride - pad + ky;
                        var target = row.Slice(oy * outW, outW);
                        if (iy < 0 || iy >= h) { target.Clear(); continue; }
                        int source = xOffset + (c * h + iy) * w;
                        for (int ox = 0; ox < outW; ox++)
                        {
                            int ix = ox * stride - pad + kx;
                            target[ox] = ix >= 0 && ix < w ? x[source + ix] : 0f;
                        }
                    }
                }
    }

    /// <summary>Adjoint of <see cref="Im2Col"/>: scatters column gradients back to the input (one sample, one thread).</summary>
    private static void Col2Im(ConvGeometry g, float[] cols, float[] dx, int dxOffset)
    {
        var (h, w, outH, outW, stride, pad) = (g.Height, g.Width, g.OutH, g.OutW, g.Stride, g.Pad);
        Array.Clear(dx, dxOffset, g.InputSize);
        int q = 0;
        for (int c = 0; c < g.InChannels; c++)
            for (int ky = 0; ky < g.KernelH; ky++)
                for (int kx = 0; kx < g.KernelW; kx++, q++)
                    for (int oy = 0; oy < outH; oy++)
                    {
                        int iy = oy * stride - pad + ky;
                        if (iy < 0 || iy >= h) continue;
                        int target = dxOffset + (c * h + iy) * w, source = (q * outH + oy) * outW;
                        for (int ox = 0; ox < outW; ox++)
                        {
                            int ix = ox * stride - pad + kx;
                            if (ix >= 0 && ix < w) dx[target + ix] += cols[source + ox];
                        }
                    }
    }
}
