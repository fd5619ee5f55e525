using Verifier.Compute.Backends;
using Verifier.Compute.Training;

namespace Verifier.Tests.Compute;

/// <summary>Analytic gradients of every layer against central finite differences of L = sum(r * layer(x)).</summary>
public sealed class GradientCheckTests
{
    private const float H = 1e-3f;
    private readonly CpuBackend _backend = new();

    [Fact]
    public void Dense() => Check(new DenseLayer(_backend, [6], 5, 3, new Random(1), 0), 3);

    [Fact]
    public void DenseOnImageInput() => Check(new DenseLayer(_backend, [2, 3, 3], 4, 2, new Random(2), 0), 2);

    [Fact]
    public void Conv() => Check(new Conv2DLayer(_backend, [2, 6, 5], new ConvGeometry(2, 6, 5, 3, 3, 2), 2, new Random(3), 0), 2);

    [Fact]
    public void ConvStridedPadded() => Check(new Conv2DLayer(_backend, [1, 7, 7], new ConvGeometry(1, 7, 7, 2, 3, 3, 2, 1), 2, new Random(4), 0), 2);

    [Fact]
    public void Relu() => Check(new ReluLayer(_backend, [10], 3), 3);

    [Fact]
    public void MaxPool() => Check(new MaxPoolLayer(_backend, [2, 4, 6], new PoolGeometry(2, 4, 6, 2, 2), 2), 2);

    [Fact]
    public void MaxPoolOverlapping() => Check(new MaxPoolLayer(_backend, [1, 5, 5], new PoolGeometry(1, 5, 5, 3, 1), 2), 2);

    [Fact]
    public void Flatten() => Check(new FlattenLayer(_backend, [2, 2, 3], 2), 2);

    [Fact]
    public void SoftmaxCrossEntropy()
    {
        var random = new Random(5);
        int rows = 3, classes = 4;
        var z = CpuGemmTests.RandomArray(random, rows * classes);
        using var labels = Upload<int>([3, 0, 2]);
        using var dz = _backend.Allocate<float>(z.Length);
        double Loss(float[] logits)
        {
            using var buffer = Upload(logits);
            using var scratch = _backend.Allocate<float>(z.Length);
            return _backend.SoftmaxCrossEntropy(buffer, labels, rows, classes, scratch);
        }
        using (var zb = Upload(z)) _backend.SoftmaxCrossEntropy(zb, labels, rows, classes, dz);
        var analytic = dz.ToArray();
        for (int i = 0; i < z.Length; i++)
        {
            var plus = (float[])z.Clone(); plus[i] += H;
            var minus = (float[])z.Clone(); minus[i] -= H;
            Assert.Equal((Loss(plus) - Loss(minus)) / (2 * H), analytic[i], 2e-3);
        }
    }

    private void Check(Layer layer, int batch)
    {
        using var _ = layer;
        var random = new Random(42);
        var x = CpuGemmTests.RandomArray(random, batch * layer.InputSize);
        var r = CpuGemmTests.RandomArray(random, batch * layer.OutputSize);
        using var xb = Upload(x);
        using var rb = Upload(r);
        layer.Forward(xb, batch);
        var dx = layer.Backward(rb, batch, needInputGradient: true)!.ToArray();
        var paramGrads = layer.Parameters.Select(p => p.Gradient.ToArray()).ToArray();

        double Loss()
        {
            var y = layer.Forward(xb, batch).ToArray();
            double sum = 0;
            for (int i = 0; i < r.Length; i++) sum += (double)r[i] * y[i];
            return sum;
        }
        CompareWithDifferences(xb, dx, Loss);
        for (int k = 0; k < paramGrads.Length; k++) CompareWithDifferences(layer.Parameters[k].Value, paramGrads[k], Loss);
    }

    private static void CompareWithDifferences(ComputeBuffer<float> variable, float[] analytic, Func<double> loss)
    {
        var values = variable.ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            float original = values[i];
            variable.Upload([original + H], i);
            double plus = loss();
            variable.Upload([original - H], i);
            double minus = loss();
            variable.Upload([original], i);
            double numeric = (plus - minus) / (2 * H);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 2e-3 + 1e-2 * Math.Abs(numeric),
                $"element {i}: finite difference {numeric}, analytic {analytic[i]}");
        }
    }

    private CpuBuffer<T> Upload<T>(T[] values) where T : unmanaged
    {
        var buffer = new CpuBuffer<T>(values.Length);
        buffer.Upload(values);
        return buffer;
    }
}
