using Verifier.Compute.Backends;
using Verifier.Compute.Ilgpu;
using Verifier.Compute.Training;
using Verifier.Compute.Training.Certified;
using Verifier.Core.Errors;

namespace Verifier.Tests.Compute;

/// <summary>The ILGPU kernels (run on ILGPU's CPU simulator) compute what the SIMD CPU backend computes.</summary>
public sealed class BackendAgreementTests(IlgpuSimulator simulator) : IClassFixture<IlgpuSimulator>
{
    private readonly IlgpuBackend _ilgpu = simulator.Backend;
    private readonly CpuBackend _cpu = new();

    [Theory]
    [InlineData(GemmLayout.NN, true)]
    [InlineData(GemmLayout.NT, false)]
    [InlineData(GemmLayout.TN, true)]
    public void GemmAgrees(GemmLayout layout, bool accumulate)
    {
        int m = 5, n = 7, k = 11;
        var random = new Random(2);
        var inputs = new[] { m * k, k * n, m * n }.Select(len => CpuGemmTests.RandomArray(random, len)).ToArray();
        float[] Run(IComputeBackend backend)
        {
            var buffers = inputs.Select(values => Upload(backend, values)).ToArray();
            backend.Gemm(layout, m, n, k, buffers[0], buffers[1], buffers[2], accumulate);
            return buffers[2].ToArray();
        }
        AssertClose(Run(_cpu), Run(_ilgpu), 1e-5);
    }

    [Fact]
    public void ElementwiseOpsAgree()
    {
        var random = new Random(3);
        var x = CpuGemmTests.RandomArray(random, 24);
        var y = CpuGemmTests.RandomArray(random, 24);
        var bias = CpuGemmTests.RandomArray(random, 3);
        float[][] Run(IComputeBackend backend)
        {
            var (xb, yb, bb) = (Upload(backend, x), Upload(backend, y), Upload(backend, bias));
            backend.Axpy(0.5f, xb, yb, 24);
            backend.AddBias(yb, bb, 2, 3, 4);
            var relu = backend.Allocate<float>(24);
            backend.ReluForward(yb, relu, 24);
            var dx = backend.Allocate<float>(24);
            backend.ReluBackward(relu, xb, dx, 24);
            var dBias = backend.Allocate<float>(3);
            backend.BiasGradient(dx, dBias, 2, 3, 4);
            return [yb.ToArray(), relu.ToArray(), dx.ToArray(), dBias.ToArray()];
        }
        var expected = Run(_cpu);
        Assert.Equal(y[5] + 0.5f * x[5] + bias[1], expected[0][5], 1e-6);
        var actual = Run(_ilgpu);
        for (int i = 0; i < expected.Length; i++) AssertClose(expected[i], actual[i], 1e-6);
    }

    [Theory]
    [InlineData("conv:3:3:1:1,relu,maxpool:2,conv:2:2:2,relu,flatten,dense:2", "adam")]
    [InlineData("dense:6,relu,dense:2", "sgd")]
    public void TrainingStepsAgree(string spec, string optimizer)
    {
        var data = TrainingTests.Synthetic(24, 9);
        float[][] Train(IComputeBackend backend)
        {
            using var model = Sequential.Create(backend, [1, 8, 8], LayerSpec.ParseList(spec), 8, 3);
            Trainer.Train(model, data, new TrainingOptions(1, 8, 3, optimizer, 0.01f));
            return [.. model.Parameters.Select(p => p.Value.ToArray()), model.Predict(data.Features, data.Count)];
        }
        var expected = Train(_cpu);
        var actual = Train(_ilgpu);
        for (int i = 0; i < expected.Length; i++) AssertClose(expected[i], actual[i], 1e-4);
    }

    [Fact]
    public void IntervalKernelsAgree()
    {
        var random = new Random(4);
        var a = CpuGemmTests.RandomArray(random, 20);
        var b = CpuGemmTests.RandomArray(random, 20);
        float[][] Run(IComputeBackend backend)
        {
            var (ab, bb, sum, difference, abs, into) = (Upload(backend, a), Upload(backend, b), backend.Allocate<float>(20),
                backend.Allocate<float>(20), backend.Allocate<float>(20), Upload(backend, b));
            backend.SumDifference(ab, bb, sum, difference, 0.5f, 20);
            backend.Abs(ab, abs, 20);
            backend.AddSignTimes(ab, bb, into, 20);
            return [sum.ToArray(), difference.ToArray(), abs.ToArray(), into.ToArray()];
        }
        var expected = Run(_cpu);
        Assert.Equal(0.5f * (b[3] - a[3]), expected[1][3], 1e-6);
        Assert.Equal(b[7] + Math.Sign(a[7]) * b[7], expected[3][7], 1e-6);
        var actual = Run(_ilgpu);
        for (int i = 0; i < expected.Length; i++) AssertClose(expected[i], actual[i], 1e-6);
    }

    /// <summary>IBP, and CROWN-IBP (beta 0.5 throughout) through max pooling (where its CROWN pass stops) and through convolutions.</summary>
    [Theory]
    [InlineData(CertifiedMethod.Ibp, "conv:3:3:1:1,relu,maxpool:2,flatten,dense:6,relu,dense:2")]
    [InlineData(CertifiedMethod.CrownIbp, "conv:3:3:1:1,relu,maxpool:2,flatten,dense:6,relu,dense:2")]
    [InlineData(CertifiedMethod.CrownIbp, "conv:3:3:2:1,relu,conv:4:3:1:1,relu,flatten,dense:6,relu,dense:2")]
    public void CertifiedTrainingStepsAgree(CertifiedMethod method, string spec)
    {
        var data = TrainingTests.Synthetic(24, 9);
        float[][] Train(IComputeBackend backend)
        {
            using var model = Sequential.Create(backend, [1, 8, 8], LayerSpec.ParseList(spec), 8, 3);
            using var objective = new CertifiedObjective(model, new(0.05, method) { WarmupShare = 0, RampShare = 0, FinalBeta = 0.5 });
            Trainer.Train(model, data, new TrainingOptions(1, 8, 3, "adam", 0.01f), objective: objective);
            return [.. model.Parameters.Select(p => p.Value.ToArray()), model.Predict(data.Features, data.Count)];
        }
        var expected = Train(_cpu);
        var actual = Train(_ilgpu);
        for (int i = 0; i < expected.Length; i++) AssertClose(expected[i], actual[i], 1e-4);
    }

    [Fact]
    public void WithoutCudaAutoFallsBackToCpuAndCudaIsAnInputError()
    {
        using var cuda = IlgpuBackend.TryCreateCuda();
        if (cuda is not null) return; // a machine with a GPU exercises the other branch
        using var auto = ComputeBackends.Create("auto");
        Assert.IsType<CpuBackend>(auto);
        Assert.Throws<InputException>(() => ComputeBackends.Create("cuda"));
        Assert.Throws<InputException>(() => ComputeBackends.Create("tpu"));
    }

    private static ComputeBuffer<float> Upload(IComputeBackend backend, float[] values)
    {
        var buffer = backend.Allocate<float>(values.Length);
        buffer.Upload(values);
        return buffer;
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"element {i}: {expected[i]} vs {actual[i]}");
    }
}

/// <summary>One simulator for the whole class: compiling the kernels is the slow part.</summary>
public sealed class IlgpuSimulator : IDisposable
{
    public IlgpuBackend Backend { get; } = IlgpuBackend.CreateCpuSimulator();
    public void Dispose() => Backend.Dispose();
}
