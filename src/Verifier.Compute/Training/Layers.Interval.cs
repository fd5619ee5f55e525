using Verifier.Compute.Backends;

namespace Verifier.Compute.Training;

// Interval bound propagation of each layer, for certified training. Affine layers propagate centre and radius
// (AffineInterval); monotone layers (ReLU, max pooling) map lower and upper bounds separately.

public sealed partial class DenseLayer
{
    private AffineInterval? _interval;

    public override Interval IntervalForward(Interval x, int batch)
    {
        var s = AffineIntervalState(ref _interval, x, batch, Weight, Bias);
        Backend.Gemm(GemmLayout.NT, batch, OutputSize, InputSize, s.Centre, Weight.Value, s.Output.Upper, false);
        Backend.AddBias(s.Output.Upper, Bias.Value, batch, OutputSize, 1);
        Backend.Gemm(GemmLayout.NT, batch, OutputSize, InputSize, s.Radius, s.AbsWeight, s.Output.Lower, false);
        return s.JoinOutput(batch);
    }

    public override Interval IntervalBackward(Interval d, int batch)
    {
        var s = _interval ?? throw new InvalidOperationException("IntervalBackward before IntervalForward");
        s.SplitOutputGradient(d, batch);
        Backend.Gemm(GemmLayout.TN, OutputSize, InputSize, batch, s.CentreGradient, s.Centre, Weight.Gradient, true);
        Backend.Gemm(GemmLayout.TN, OutputSize, InputSize, batch, s.RadiusGradient, s.Radius, s.WeightScratch, false);
        Backend.AddSignTimes(Weight.Value, s.WeightScratch, Weight.Gradient, Weight.Length);
        Backend.BiasGradient(s.CentreGradient, s.BiasScratch, batch, OutputSize, 1);
        Backend.Axpy(1f, s.BiasScratch, Bias.Gradient, Bias.Length);
        Backend.Gemm(GemmLayout.NN, batch, InputSize, OutputSize, s.CentreGradient, Weight.Value, s.InputGradient.Upper, false);
        Backend.Gemm(GemmLayout.NN, batch, InputSize, OutputSize, s.RadiusGradient, s.AbsWeight, s.InputGradient.Lower, false);
        return s.JoinInputGradient(batch);
    }
}

public sealed partial class Conv2DLayer
{
    private AffineInterval? _interval;

    public override Interval IntervalForward(Interval x, int batch)
    {
        var s = AffineIntervalState(ref _interval, x, batch, Kernel, Bias);
        Backend.ConvForward(Geometry, batch, s.Centre, Kernel.Value, Bias.Value, s.Output.Upper);
        Backend.ConvForward(Geometry, batch, s.Radius, s.AbsWeight, s.ZeroBias, s.Output.Lower);
        return s.JoinOutput(batch);
    }

    public override Interval IntervalBackward(Interval d, int batch)
    {
        var s = _interval ?? throw new InvalidOperationException("IntervalBackward before IntervalForward");
        s.SplitOutputGradient(d, batch);
        Backend.ConvBackward(Geometry, batch, s.Centre, Kernel.Value, s.CentreGradient, s.WeightScratch, s.BiasScratch, s.InputGradient.Upper);
        Backend.Axpy(1f, s.WeightScratch, Kernel.Gradient, Kernel.Length);
        Backend.Axpy(1f, s.BiasScratch, Bias.Gradient, Bias.Length);
        Backend.ConvBackward(Geometry, batch, s.Radius, s.AbsWeight, s.RadiusGradient, s.WeightScratch, null, s.InputGradient.Lower);
        Backend.AddSignTimes(Kernel.Value, s.WeightScratch, Kernel.Gradient, Kernel.Length);
        return s.JoinInputGradient(batch);
    }
}

public sealed partial class ReluLayer
{
    private ComputeBuffer<float>? _lower, _upper, _dLower, _dUpper;

    public override Interval IntervalForward(Interval x, int batch)
    {
        var y = ScratchInterval(ref _lower, ref _upper, OutputSize);
        Backend.ReluForward(x.Lower, y.Lower, batch * OutputSize);
        Backend.ReluForward(x.Upper, y.Upper, batch * OutputSize);
        return y;
    }

    public override Interval IntervalBackward(Interval d, int batch)
    {
        var dx = ScratchInterval(ref _dLower, ref _dUpper, InputSize);
        Backend.ReluBackward(_lower!, d.Lower, dx.Lower, batch * InputSize);
        Backend.ReluBackward(_upper!, d.Upper, dx.Upper, batch * InputSize);
        return dx;
    }
}

public sealed partial class MaxPoolLayer
{
    private ComputeBuffer<float>? _lower, _upper, _dLower, _dUpper;
    private ComputeBuffer<int>? _argmaxLower, _argmaxUpper;

    public override Interval IntervalForward(Interval x, int batch)
    {
        var y = ScratchInterval(ref _lower, ref _upper, OutputSize);
        Backend.MaxPoolForward(Geometry, batch, x.Lower, y.Lower, Scratch(ref _argmaxLower, MaxBatch * OutputSize));
        Backend.MaxPoolForward(Geometry, batch, x.Upper, y.Upper, Scratch(ref _argmaxUpper, MaxBatch * OutputSize));
        return y;
    }

    public override Interval IntervalBackward(Interval d, int batch)
    {
        var dx = ScratchInterval(ref _dLower, ref _dUpper, InputSize);
        Backend.MaxPoolBackward(Geometry, batch, d.Lower, _argmaxLower!, dx.Lower);
        Backend.MaxPoolBackward(Geometry, batch, d.Upper, _argmaxUpper!, dx.Upper);
        return dx;
    }
}

public sealed partial class FlattenLayer
{
    public override Interval IntervalForward(Interval x, int batch) => x;
    public override Interval IntervalBackward(Interval d, int batch) => d;
}
