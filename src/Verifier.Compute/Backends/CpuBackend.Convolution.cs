namespace Verifier.Compute.Backends;

/// <summary>Convolution (im2col + whole-batch GEMMs) and max pooling on the CPU.</summary>
public sealed partial class CpuBackend
{
    private float[] _columns = [], _columnGradients = [], _channelMajor = [];

    /// <summary>
    /// The whole batch as one GEMM: columns (patch, batch * positions) from im2col, then
    /// (out, batch * positions) = kernel (out, patch) x columns, permuted to NCHW.
    /// </summary>
    public void ConvForward(ConvGeometry g, int batch, ComputeBuffer<float> x, ComputeBuffer<float> kernel, ComputeBuffer<float> bias, ComputeBuffer<float> y)
    {
        int wide = batch * g.Positions;
        var cols = BatchColumns(g, batch, Host(x));
        var product = Workspace(ref _channelMajor, (long)g.OutChannels * wide);
        CpuGemm.Multiply(GemmLayout.NN, g.OutChannels, wide, g.Patch, Host(kernel), 0, cols, 0, product, 0, false);
        var yd = Host(y);
        ForEach(batch, g.OutputSize, b =>
        {
            for (int o = 0; o < g.OutChannels; o++)
                product.AsSpan(o * wide + b * g.Positions, g.Positions).CopyTo(yd.AsSpan(b * g.OutputSize + o * g.Positions));
        });
        AddBias(y, bias, batch, g.OutChannels, g.Positions);
    }

    /// <summary>
    /// dKernel = dY' columns^T and dColumns = kernel^T dY' as two GEMMs over the whole batch, with dY' the
    /// gradient in (out, batch * positions) order; columns are recomputed so no state is kept from the forward pass.
    /// </summary>
    public void ConvBackward(ConvGeometry g, int batch, ComputeBuffer<float> x, ComputeBuffer<float> kernel, ComputeBuffer<float> dy,
        ComputeBuffer<float> dKernel, ComputeBuffer<float> dBias, ComputeBuffer<float>? dx)
    {
        int wide = batch * g.Positions;
        var gd = Host(dy);
        var cols = BatchColumns(g, batch, Host(x));
        var dyWide = Workspace(ref _channelMajor, (long)g.OutChannels * wide);
        ForEach(batch, g.OutputSize, b =>
        {
            for (int o = 0; o < g.OutChannels; o++)
                gd.AsSpan(b * g.OutputSize + o * g.Positions, g.Positions).CopyTo(dyWide.AsSpan(o * wide + b * g.Positions));
        });
        CpuGemm.Multiply(GemmLayout.NT, g.OutChannels, g.Patch, wide, dyWide, 0, cols, 0, Host(dKernel), 0, false);
        BiasGradient(dy, dBias, batch, g.OutChannels, g.Positions);
        if (dx is null) return;
        var dCols = Workspace(ref _columnGradients, (long)g.Patch * wide);
        CpuGemm.Multiply(GemmLayout.TN, g.Patch, wide, g.OutChannels, Host(kernel), 0, dyWide, 0, dCols, 0, false);
        var dxd = Host(dx);
        ForEach(batch, g.Patch * g.Positions, b => Col2Im(g, dCols, b * g.Positions, wide, dxd, b * g.InputSize));
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

    private float[] BatchColumns(ConvGeometry g, int batch, float[] x)
    {
        int wide = batch * g.Positions;
        var cols = Workspace(ref _columns, (long)g.Patch * wide);
        ForEach(batch, g.Patch * g.Positions, b => Im2Col(g, x, b * g.InputSize, cols, b * g.Positions, wide));
        return cols;
    }

    private static float[] Workspace(ref float[] buffer, long needed)
    {
        if (needed > Array.MaxLength) throw new ArgumentException($"convolution workspace of {needed} floats is too large; use a smaller batch");
        if (buffer.Length < needed) buffer = new float[needed];
        return buffer;
    }

    /// <summary>
    /// cols[q, colOffset + pos] (rows of <paramref name="stride"/>) for q = (c, ky, kx) and pos = (oy, ox):
    /// the patch layout that makes conv a GEMM.
    /// </summary>
    private static void Im2Col(ConvGeometry g, float[] x, int xOffset, float[] cols, int colOffset, int stride)
    {
        var (h, w, outH, outW, step, pad) = (g.Height, g.Width, g.OutH, g.OutW, g.Stride, g.Pad);
        int q = 0;
        for (int c = 0; c < g.InChannels; c++)
            for (int ky = 0; ky < g.KernelH; ky++)
                for (int kx = 0; kx < g.KernelW; kx++, q++)
                {
                    var row = cols.AsSpan(q * stride + colOffset, outH * outW);
                    for (int oy = 0; oy < outH; oy++)
                    {
                        int iy = oy * step - pad + ky;
                        var target = row.Slice(oy * outW, outW);
                        if (iy < 0 || iy >= h) { target.Clear(); continue; }
                        int source = xOffset + (c * h + iy) * w;
                        for (int ox = 0; ox < outW; ox++)
                        {
                            int ix = ox * step - pad + kx;
                            target[ox] = ix >= 0 && ix < w ? x[source + ix] : 0f;
                        }
                    }
                }
    }

    /// <summary>Adjoint of <see cref="Im2Col"/>: scatters column gradients back to the input (one sample, one thread).</summary>
    private static void Col2Im(ConvGeometry g, float[] cols, int colOffset, int stride, float[] dx, int dxOffset)
    {
        var (h, w, outH, outW, step, pad) = (g.Height, g.Width, g.OutH, g.OutW, g.Stride, g.Pad);
        Array.Clear(dx, dxOffset, g.InputSize);
        int q = 0;
        for (int c = 0; c < g.InChannels; c++)
            for (int ky = 0; ky < g.KernelH; ky++)
                for (int kx = 0; kx < g.KernelW; kx++, q++)
                    for (int oy = 0; oy < outH; oy++)
                    {
                        int iy = oy * step - pad + ky;
                        if (iy < 0 || iy >= h) continue;
                        int target = dxOffset + (c * h + iy) * w, source = q * stride + colOffset + oy * outW;
                        for (int ox = 0; ox < outW; ox++)
                        {
                            int ix = ox * step - pad + kx;
                            if (ix >= 0 && ix < w) dx[target + ix] += cols[source + ox];
                        }
                    }
    }
}
