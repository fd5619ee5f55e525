using Verifier.Compute.Backends;

namespace Verifier.Compute.Training;

/// <summary>
/// Interval propagation through an affine layer y = A x + b in centre-radius form (Gowal et al. 2018): the
/// centre goes to A mu + b and the radius to |A| r. The layer runs A and |A|; this holds the buffers and the
/// changes of form, forward and backward:
/// l = mu - r, u = mu + r; so dL/dmu = dL/dl + dL/du, dL/dr = dL/du - dL/dl, and back at the input
/// dL/dl = (dL/dmu - dL/dr) / 2, dL/du = (dL/dmu + dL/dr) / 2.
/// </summary>
internal sealed class AffineInterval : IDisposable
{
    private readonly IComputeBackend _backend;
    private readonly int _inputSize, _outputSize;

    public AffineInterval(IComputeBackend backend, int maxBatch, int inputSize, int outputSize, int weights, int biases)
    {
        (_backend, _inputSize, _outputSize) = (backend, inputSize, outputSize);
        Centre = backend.Allocate<float>(checked(maxBatch * inputSize));
        Radius = backend.Allocate<float>(checked(maxBatch * inputSize));
        AbsWeight = backend.Allocate<float>(weights);
        Output = new Interval(backend.Allocate<float>(checked(maxBatch * outputSize)), backend.Allocate<float>(checked(maxBatch * outputSize)));
        CentreGradient = backend.Allocate<float>(checked(maxBatch * outputSize));
        RadiusGradient = backend.Allocate<float>(checked(maxBatch * outputSize));
        InputGradient = new Interval(backend.Allocate<float>(checked(maxBatch * inputSize)), backend.Allocate<float>(checked(maxBatch * inputSize)));
        WeightScratch = backend.Allocate<float>(weights);
        BiasScratch = backend.Allocate<float>(biases);
        ZeroBias = backend.Allocate<float>(biases);
    }

    public ComputeBuffer<float> Centre { get; }
    public ComputeBuffer<float> Radius { get; }
    public ComputeBuffer<float> AbsWeight { get; }
    public ComputeBuffer<float> CentreGradient { get; }
    public ComputeBuffer<float> RadiusGradient { get; }
    public ComputeBuffer<float> WeightScratch { get; }
    public ComputeBuffer<float> BiasScratch { get; }
    public ComputeBuffer<float> ZeroBias { get; }

    /// <summary>The layer writes the output centre into Upper and the output radius into Lower; <see cref="JoinOutput"/> turns them into bounds.</summary>
    public Interval Output { get; }

    /// <summary>The layer writes dL/dmu into Upper and dL/dr into Lower; <see cref="JoinInputGradient"/> turns them into dL/dl, dL/du.</summary>
    public Interval InputGradient { get; }

    public void SplitInput(Interval x, int batch, ComputeBuffer<float> weight)
    {
        _backend.SumDifference(x.Lower, x.Upper, Centre, Radius, 0.5f, batch * _inputSize);
        _backend.Abs(weight, AbsWeight, weight.Length);
    }

    public Interval JoinOutput(int batch)
    {
        _backend.SumDifference(Output.Lower, Output.Upper, Output.Upper, Output.Lower, 1f, batch * _outputSize);
        return Output;
    }

    public void SplitOutputGradient(Interval d, int batch) =>
        _backend.SumDifference(d.Lower, d.Upper, CentreGradient, RadiusGradient, 1f, batch * _outputSize);

    public Interval JoinInputGradient(int batch)
    {
        _backend.SumDifference(InputGradient.Lower, InputGradient.Upper, InputGradient.Upper, InputGradient.Lower, 0.5f, batch * _inputSize);
        return InputGradient;
    }

    public void Dispose()
    {
        foreach (var b in new[] { Centre, Radius, AbsWeight, Output.Lower, Output.Upper, CentreGradient, RadiusGradient,
                     InputGradient.Lower, InputGradient.Upper, WeightScratch, BiasScratch, ZeroBias })
            b.Dispose();
    }
}
