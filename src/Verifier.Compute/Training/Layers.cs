using Verifier.Compute.Backends;

namespace Verifier.Compute.Training;

/// <summary>Fully connected layer y = x W^T + b with W stored (out, in), as the Core Gemm operator expects.</summary>
public sealed partial class DenseLayer : Layer
{
    private readonly ComputeBuffer<float> _y, _dx;
    private ComputeBuffer<float>? _x;

    public DenseLayer(IComputeBackend backend, int[] inputShape, int units, int maxBatch, Random random, int index)
        : base(backend, inputShape, [units], maxBatch)
    {
        Weight = HeParameter($"dense{index}.weight", [units, InputSize], InputSize, random);
        Bias = ZeroParameter($"dense{index}.bias", [units]);
        _y = Activations(units);
        _dx = Activations(InputSize);
    }

    public Parameter Weight { get; }
    public Parameter Bias { get; }
    public override IReadOnlyList<Parameter> Parameters => [Weight, Bias];

    public override ComputeBuffer<float> Forward(ComputeBuffer<float> x, int batch)
    {
        _x = x;
        Backend.Gemm(GemmLayout.NT, batch, OutputSize, InputSize, x, Weight.Value, _y, false);
        Backend.AddBias(_y, Bias.Value, batch, OutputSize, 1);
        return _y;
    }

    public override ComputeBuffer<float>? Backward(ComputeBuffer<float> dy, int batch, bool needInputGradient, bool parameterGradients = true)
    {
        var x = _x ?? throw new InvalidOperationException("Backward before Forward");
        if (parameterGradients)
        {
            Backend.Gemm(GemmLayout.TN, OutputSize, InputSize, batch, dy, x, Weight.Gradient, false);
            Backend.BiasGradient(dy, Bias.Gradient, batch, OutputSize, 1);
        }
        if (!needInputGradient) return null;
        Backend.Gemm(GemmLayout.NN, batch, InputSize, OutputSize, dy, Weight.Value, _dx, false);
        return _dx;
    }

    public override void Dispose()
    {
        _y.Dispose();
        _dx.Dispose();
        base.Dispose();
    }
}

/// <summary>2-D convolution over [channels, height, width] samples; kernel (out, in, kh, kw).</summary>
public sealed partial class Conv2DLayer : Layer
{
    private readonly ComputeBuffer<float> _y, _dx;
    private ComputeBuffer<float>? _x;

    public Conv2DLayer(IComputeBackend backend, int[] inputShape, ConvGeometry geometry, int maxBatch, Random random, int index)
        : base(backend, inputShape, [geometry.OutChannels, geometry.OutH, geometry.OutW], maxBatch)
    {
        Geometry = geometry;
        Kernel = HeParameter($"conv{index}.weight", [geometry.OutChannels, geometry.InChannels, geometry.KernelH, geometry.KernelW], geometry.Patch, random);
        Bias = ZeroParameter($"conv{index}.bias", [geometry.OutChannels]);
        _y = Activations(OutputSize);
        _dx = Activations(InputSize);
    }

    public ConvGeometry Geometry { get; }
    public Parameter Kernel { get; }
    public Parameter Bias { get; }
    public override IReadOnlyList<Parameter> Parameters => [Kernel, Bias];

    public override ComputeBuffer<float> Forward(ComputeBuffer<float> x, int batch)
    {
        _x = x;
        Backend.ConvForward(Geometry, batch, x, Kernel.Value, Bias.Value, _y);
        return _y;
    }

    public override ComputeBuffer<float>? Backward(ComputeBuffer<float> dy, int batch, bool needInputGradient, bool parameterGradients = true)
    {
        var x = _x ?? throw new InvalidOperationException("Backward before Forward");
        Backend.ConvBackward(Geometry, batch, x, Kernel.Value, dy, parameterGradients ? Kernel.Gradient : null, parameterGradients ? Bias.Gradient : null,
            needInputGradient ? _dx : null);
        return needInputGradient ? _dx : null;
    }

    public override void Dispose()
    {
        _y.Dispose();
        _dx.Dispose();
        base.Dispose();
    }
}

public sealed partial class ReluLayer : Layer
{
    private readonly ComputeBuffer<float> _y, _dx;

    public ReluLayer(IComputeBackend backend, int[] inputShape, int maxBatch) : base(backend, inputShape, inputShape, maxBatch)
    {
        _y = Activations(OutputSize);
        _dx = Activations(InputSize);
    }

    public override ComputeBuffer<float> Forward(ComputeBuffer<float> x, int batch)
    {
        Backend.ReluForward(x, _y, batch * OutputSize);
        return _y;
    }

    public override ComputeBuffer<float>? Backward(ComputeBuffer<float> dy, int batch, bool needInputGradient, bool parameterGradients = true)
    {
        if (!needInputGradient) return null;
        Backend.ReluBackward(_y, dy, _dx, batch * InputSize);
        return _dx;
    }

    public override void Dispose()
    {
        _y.Dispose();
        _dx.Dispose();
        base.Dispose();
    }
}

public sealed partial class MaxPoolLayer : Layer
{
    private readonly ComputeBuffer<float> _y, _dx;
    private readonly ComputeBuffer<int> _argmax;

    public MaxPoolLayer(IComputeBackend backend, int[] inputShape, PoolGeometry geometry, int maxBatch)
        : base(backend, inputShape, [geometry.Channels, geometry.OutH, geometry.OutW], maxBatch)
    {
        Geometry = geometry;
        _y = Activations(OutputSize);
        _dx = Activations(InputSize);
        _argmax = backend.Allocate<int>(checked(maxBatch * OutputSize));
    }

    public PoolGeometry Geometry { get; }

    public override ComputeBuffer<float> Forward(ComputeBuffer<float> x, int batch)
    {
        Backend.MaxPoolForward(Geometry, batch, x, _y, _argmax);
        return _y;
    }

    public override ComputeBuffer<float>? Backward(ComputeBuffer<float> dy, int batch, bool needInputGradient, bool parameterGradients = true)
    {
        if (!needInputGradient) return null;
        Backend.MaxPoolBackward(Geometry, batch, dy, _argmax, _dx);
        return _dx;
    }

    public override void Dispose()
    {
        _y.Dispose();
        _dx.Dispose();
        _argmax.Dispose();
        base.Dispose();
    }
}

/// <summary>NCHW samples are already contiguous in ONNX Flatten order, so only the shape changes.</summary>
public sealed partial class FlattenLayer(IComputeBackend backend, int[] inputShape, int maxBatch)
    : Layer(backend, inputShape, [inputShape.Aggregate(1, (a, b) => checked(a * b))], maxBatch)
{
    public override ComputeBuffer<float> Forward(ComputeBuffer<float> x, int batch) => x;
    public override ComputeBuffer<float>? Backward(ComputeBuffer<float> dy, int batch, bool needInputGradient, bool parameterGradients = true) => needInputGradient ? dy : null;
}
