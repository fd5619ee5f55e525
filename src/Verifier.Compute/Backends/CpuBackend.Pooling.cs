namespace Verifier.Compute.Backends;

/// <summary>Max pooling on the CPU, planes in parallel.</summary>
public sealed partial class CpuBackend
{
    public void MaxPoolForward(PoolGeometry g, int batch, ComputeBuffer<float> x, ComputeBuffer<float> y, ComputeBuffer<int> argmax)
    {
        var (xd, yd, ad) = (Host(x), Host(y), Host(argmax));
        // Geometry in locals: the record computes OutH and OutW with a division on every access.
        int outH = g.OutH, outW = g.OutW, stride = g.Stride, size = g.Size, width = g.Width, planeIn = g.Height * width, planeOut = outH * outW;
        ForEach(batch * g.Channels, planeOut * size * size, plane =>
        {
            for (int oy = 0; oy < outH; oy++)
            {
                int rowStart = plane * planeIn + oy * stride * width, o = plane * planeOut + oy * outW;
                for (int ox = 0; ox < outW; ox++)
                {
                    // The first largest value wins, scanning the window row by row (NaN never wins after the first).
                    int start = rowStart + ox * stride, best = start;
                    float bestValue = xd[start];
                    for (int ky = 0; ky < size; ky++)
                        for (int index = start + ky * width, end = index + size; index < end; index++)
                            if (xd[index] > bestValue) (best, bestValue) = (index, xd[index]);
                    yd[o + ox] = bestValue;
                    ad[o + ox] = best;
                }
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
}
