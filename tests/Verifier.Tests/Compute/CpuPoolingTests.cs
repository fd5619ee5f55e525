using Verifier.Compute.Backends;

namespace Verifier.Tests.Compute;

public sealed class CpuPoolingTests
{
    /// <summary>
    /// Max pooling routes the gradient to the element the row-by-row scan picks: the first largest, a NaN never
    /// winning after the first element. Few distinct values make ties common.
    /// </summary>
    [Theory]
    [InlineData(3, 28, 28, 2, 2)]
    [InlineData(2, 14, 14, 2, 2)]
    [InlineData(2, 9, 34, 2, 2)]
    [InlineData(2, 7, 7, 3, 2)]
    public void MaxPoolPicksTheFirstLargestElement(int channels, int height, int width, int size, int stride)
    {
        var g = new PoolGeometry(channels, height, width, size, stride);
        const int batch = 3;
        var random = new Random(height * width);
        var values = Enumerable.Range(0, batch * g.InputSize).Select(_ => random.Next(20) == 0 ? float.NaN : random.Next(4)).ToArray();
        var backend = new CpuBackend();
        using var x = backend.Allocate<float>(values.Length);
        using var y = backend.Allocate<float>(batch * g.OutputSize);
        using var argmax = backend.Allocate<int>(batch * g.OutputSize);
        x.Upload(values);
        backend.MaxPoolForward(g, batch, x, y, argmax);
        var (ys, indices) = (y.ToArray(), argmax.ToArray());
        int o = 0;
        for (int plane = 0; plane < batch * channels; plane++)
            for (int oy = 0; oy < g.OutH; oy++)
                for (int ox = 0; ox < g.OutW; ox++, o++)
                {
                    int best = plane * height * width + oy * stride * width + ox * stride;
                    for (int ky = 0; ky < size; ky++)
                        for (int kx = 0; kx < size; kx++)
                        {
                            int index = plane * height * width + (oy * stride + ky) * width + ox * stride + kx;
                            if (values[index] > values[best]) best = index;
                        }
                    Assert.Equal(best, indices[o]);
                    Assert.Equal(values[best], ys[o]);
                }
    }
}
