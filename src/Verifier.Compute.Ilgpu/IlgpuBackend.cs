using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Verifier.Compute.Backends;

namespace Verifier.Compute.Ilgpu;

/// <summary>
/// ILGPU kernels for the backend operations. Meant for CUDA; the ILGPU CPU accelerator is a slow GPU simulator
/// that is only used to test the kernels where no GPU exists.
/// </summary>
public sealed class IlgpuBackend : IComputeBackend
{
    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int, int> _gemm;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> _addBias;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int> _biasGradient;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>> _reluForward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> _reluBackward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ConvDims> _im2col;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvDims> _convOutput;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvDims, int> _convKernelGradient;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvDims> _convColumnGradient;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ConvDims> _col2im;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, PoolDims> _maxPoolForward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, PoolDims> _maxPoolBackward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, float> _softmaxCrossEntropy;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, float> _axpy;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float> _sumDifference;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>> _abs;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> _addSignTimes;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float> _sgd;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float, float, float, float> _adam;
    private IlgpuBuffer<float>? _columns, _columnGradients, _losses;

    private IlgpuBackend(Context context, Accelerator accelerator)
    {
        _context = context;
        _accelerator = accelerator;
        var a = accelerator;
        _gemm = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int, int>(Kernels.Gemm);
        _addBias = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(Kernels.AddBias);
        _biasGradient = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(Kernels.BiasGradient);
        _reluForward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(Kernels.ReluForward);
        _reluBackward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.ReluBackward);
        _im2col = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvDims>(Kernels.Im2Col);
        _convOutput = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvDims>(Kernels.ConvOutput);
        _convKernelGradient = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvDims, int>(Kernels.ConvKernelGradient);
        _convColumnGradient = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvDims>(Kernels.ConvColumnGradient);
        _col2im = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvDims>(Kernels.Col2Im);
        _maxPoolForward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, PoolDims>(Kernels.MaxPoolForward);
        _maxPoolBackward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, PoolDims>(Kernels.MaxPoolBackward);
        _softmaxCrossEntropy = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, float>(Kernels.SoftmaxCrossEntropy);
        _axpy = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float>(Kernels.Axpy);
        _sumDifference = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(Kernels.SumDifference);
        _abs = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(Kernels.Abs);
        _addSignTimes = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.AddSignTimes);
        _sgd = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float>(Kernels.SgdMomentum);
        _adam = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float, float, float, float>(Kernels.Adam);
    }

    /// <summary>The first CUDA device, or null when there is none (no driver, no GPU).</summary>
    public static IlgpuBackend? TryCreateCuda()
    {
        Context? context = null;
        try
        {
            context = Context.Create(builder => builder.Cuda().EnableAlgorithms());
            var devices = context.GetCudaDevices();
            if (devices.Count == 0)
            {
                context.Dispose();
                return null;
            }
            return new IlgpuBackend(context, devices[0].CreateAccelerator(context));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A missing or broken driver means "no CUDA here"; the caller falls back to the CPU backend.
            context?.Dispose();
            return null;
        }
    }

    /// <summary>ILGPU's CPU accelerator (a GPU simulator, about 100x slower than <see cref="CpuBackend"/>): for tests only.</summary>
    public static IlgpuBackend CreateCpuSimulator()
    {
        var context = Context.Create(builder => builder.CPU().EnableAlgorithms());
        return new IlgpuBackend(context, context.CreateCPUAccelerator(0));
    }

    public string Name => $"{_accelerator.AcceleratorType.ToString().ToLowerInvariant()}: {_accelerator.Name}";

    public ComputeBuffer<T> Allocate<T>(int length) where T : unmanaged => new IlgpuBuffer<T>(_accelerator, length);

    public void Gemm(GemmLayout layout, int m, int n, int k, ComputeBuffer<float> a, ComputeBuffer<float> b, ComputeBuffer<float> c, bool accumulate)
    {
        if (m * n == 0) return;
        _gemm(m * n, V(a), V(b), V(c), (int)layout, m, n, k, accumulate ? 1 : 0);
    }

    public void AddBias(ComputeBuffer<float> y, ComputeBuffer<float> bias, int outer, int channels, int inner)
    {
        if (outer * channels * inner > 0) _addBias(outer * channels * inner, V(y), V(bias), channels, inner);
    }

    public void BiasGradient(ComputeBuffer<float> dy, ComputeBuffer<float> dBias, int outer, int channels, int inner) =>
        _biasGradient(channels, V(dy), V(dBias), outer, channels, inner);

    public void ReluForward(ComputeBuffer<float> x, ComputeBuffer<float> y, int length) => _reluForward(length, V(x), V(y));

    public void ReluBackward(ComputeBuffer<float> y, ComputeBuffer<float> dy, ComputeBuffer<float> dx, int length) =>
        _reluBackward(length, V(y), V(dy), V(dx));

    public void ConvForward(ConvGeometry g, int batch, ComputeBuffer<float> x, ComputeBuffer<float> kernel, ComputeBuffer<float> bias, ComputeBuffer<float> y)
    {
        var d = ConvDims.From(g);
        var cols = Workspace(ref _columns, batch * g.Patch * g.Positions);
        _im2col(batch * g.Patch * g.Positions, V(x), cols.View, d);
        _convOutput(batch * g.OutputSize, V(kernel), cols.View, V(bias), V(y), d);
    }

    public void ConvBackward(ConvGeometry g, int batch, ComputeBuffer<float> x, ComputeBuffer<float> kernel, ComputeBuffer<float> dy,
        ComputeBuffer<float>? dKernel, ComputeBuffer<float>? dBias, ComputeBuffer<float>? dx)
    {
        var d = ConvDims.From(g);
        int columns = batch * g.Patch * g.Positions;
        if (dKernel is not null)
        {
            var cols = Workspace(ref _columns, columns);
            _im2col(columns, V(x), cols.View, d);
            _convKernelGradient(g.KernelSize, V(dy), cols.View, V(dKernel), d, batch);
        }
        if (dBias is not null) BiasGradient(dy, dBias, batch, g.OutChannels, g.Positions);
        if (dx is null) return;
        var dCols = Workspace(ref _columnGradients, columns);
        _convColumnGradient(columns, V(kernel), V(dy), dCols.View, d);
        _col2im(batch * g.InputSize, dCols.View, V(dx), d);
    }

    public void MaxPoolForward(PoolGeometry g, int batch, ComputeBuffer<float> x, ComputeBuffer<float> y, ComputeBuffer<int> argmax) =>
        _maxPoolForward(batch * g.OutputSize, V(x), V(y), V(argmax), PoolDims.From(g));

    public void MaxPoolBackward(PoolGeometry g, int batch, ComputeBuffer<float> dy, ComputeBuffer<int> argmax, ComputeBuffer<float> dx) =>
        _maxPoolBackward(batch * g.InputSize, V(dy), V(argmax), V(dx), PoolDims.From(g));

    public float SoftmaxCrossEntropy(ComputeBuffer<float> logits, ComputeBuffer<int> labels, int rows, int classes, ComputeBuffer<float> dLogits)
    {
        var losses = Workspace(ref _losses, rows);
        _softmaxCrossEntropy(rows, V(logits), V(labels), V(dLogits), losses.View, classes, 1f / rows);
        var host = new float[rows];
        losses.Download(host);
        // Summed on the host in row order, so the mean does not depend on the device's reduction order.
        double total = 0;
        foreach (var loss in host) total += loss;
        return (float)(total / rows);
    }

    public void Axpy(float alpha, ComputeBuffer<float> x, ComputeBuffer<float> y, int length) => _axpy(length, V(x), V(y), alpha);

    public void SumDifference(ComputeBuffer<float> a, ComputeBuffer<float> b, ComputeBuffer<float> sum, ComputeBuffer<float> difference, float scale, int length) =>
        _sumDifference(length, V(a), V(b), V(sum), V(difference), scale);

    public void Abs(ComputeBuffer<float> x, ComputeBuffer<float> y, int length) => _abs(length, V(x), V(y));

    public void AddSignTimes(ComputeBuffer<float> w, ComputeBuffer<float> g, ComputeBuffer<float> y, int length) => _addSignTimes(length, V(w), V(g), V(y));

    public void SgdMomentumStep(ComputeBuffer<float> param, ComputeBuffer<float> grad, ComputeBuffer<float> velocity, int length, float lr, float momentum) =>
        _sgd(length, V(param), V(grad), V(velocity), lr, momentum);

    public void AdamStep(ComputeBuffer<float> param, ComputeBuffer<float> grad, ComputeBuffer<float> m, ComputeBuffer<float> v, int length,
        float lr, float beta1, float beta2, float epsilon, int step) =>
        _adam(length, V(param), V(grad), V(m), V(v), lr, beta1, beta2, epsilon,
            1f / (1f - MathF.Pow(beta1, step)), 1f / (1f - MathF.Pow(beta2, step)));

    public void Synchronize() => _accelerator.Synchronize();

    public void Dispose()
    {
        _columns?.Dispose();
        _columnGradients?.Dispose();
        _losses?.Dispose();
        _accelerator.Dispose();
        _context.Dispose();
    }

    private static ArrayView<float> V(ComputeBuffer<float> buffer) => Own(buffer).View;
    private static ArrayView<int> V(ComputeBuffer<int> buffer) => Own(buffer).View;

    private static IlgpuBuffer<T> Own<T>(ComputeBuffer<T> buffer) where T : unmanaged =>
        buffer as IlgpuBuffer<T> ?? throw new ArgumentException("buffer belongs to another backend", nameof(buffer));

    private IlgpuBuffer<float> Workspace(ref IlgpuBuffer<float>? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer?.Dispose();
            buffer = new IlgpuBuffer<float>(_accelerator, length);
        }
        return buffer;
    }
}
