using Verifier.Compute.Backends;
using Verifier.Core.Errors;

namespace Verifier.Compute.Training.Certified;

/// <summary>
/// Interval bounds of a model's margins over L-infinity balls around a batch of samples: interval propagation
/// through every layer but the last, then the dense last layer elided into the margins (<see cref="ElidedMargins"/>).
/// Float32 without outward rounding: this trains and estimates; proofs come from the verifier.
/// </summary>
public sealed class IntervalBoundPass : IDisposable
{
    private readonly Sequential _model;
    private readonly DenseLayer _last;
    private readonly ComputeBuffer<float> _inputLower, _inputUpper, _dLower, _dUpper;
    private readonly Interval[] _layerInputs;
    private ComputeBuffer<float>? _injected;
    private float[] _lower = [], _upper = [], _hostLower = [], _hostUpper = [];

    public IntervalBoundPass(Sequential model, float inputMin = 0f, float inputMax = 1f)
    {
        if (model.Layers[^1] is not DenseLayer last)
            throw new InputException("--certified", $"certified training needs a dense last layer, the model ends with {model.Layers[^1].GetType().Name}");
        (_model, _last, InputMin, InputMax) = (model, last, inputMin, inputMax);
        _inputLower = model.Backend.Allocate<float>(checked(model.MaxBatch * model.InputSize));
        _inputUpper = model.Backend.Allocate<float>(checked(model.MaxBatch * model.InputSize));
        _dLower = model.Backend.Allocate<float>(checked(model.MaxBatch * last.InputSize));
        _dUpper = model.Backend.Allocate<float>(checked(model.MaxBatch * last.InputSize));
        _layerInputs = new Interval[model.Layers.Count];
    }

    public float InputMin { get; }
    public float InputMax { get; }
    public Sequential Model => _model;

    /// <summary>The bounds of layer <paramref name="index"/>'s input from the last <see cref="Margins"/> (index 0: the clipped eps-box).</summary>
    public Interval LayerInput(int index) => _layerInputs[index];

    /// <summary>Bounds of the margins z_y - z_j (<see cref="ElidedMargins.Compute"/>) for every sample of the batch.</summary>
    public (float[] Margins, ElidedMargins Elided) Margins(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch, double epsilon)
    {
        int n = batch * _model.InputSize;
        if (_lower.Length < n) (_lower, _upper) = (new float[n], new float[n]);
        float eps = (float)epsilon;
        for (int i = 0; i < n; i++)
        {
            _lower[i] = Math.Max(InputMin, inputs[i] - eps);
            _upper[i] = Math.Min(InputMax, inputs[i] + eps);
        }
        _inputLower.Upload(_lower.AsSpan(0, n));
        _inputUpper.Upload(_upper.AsSpan(0, n));
        var h = new Interval(_inputLower, _inputUpper);
        for (int i = 0; i < _model.Layers.Count - 1; i++)
        {
            _layerInputs[i] = h;
            h = _model.Layers[i].IntervalForward(h, batch);
        }
        _layerInputs[^1] = h;
        int m = batch * _last.InputSize;
        if (_hostLower.Length < m) (_hostLower, _hostUpper) = (new float[m], new float[m]);
        h.Lower.Download(_hostLower.AsSpan(0, m));
        h.Upper.Download(_hostUpper.AsSpan(0, m));
        var elided = new ElidedMargins(_last.Weight.Value.ToArray(), _last.Bias.Value.ToArray());
        return (elided.Compute(_hostLower, _hostUpper, labels, batch), elided);
    }

    /// <summary>
    /// After <see cref="Margins"/>: adds <paramref name="weight"/> times the gradient of the worst-case cross-entropy
    /// to every parameter's gradient and returns that loss (times the weight).
    /// </summary>
    public double Backward(float[] margins, ElidedMargins elided, ReadOnlySpan<int> labels, int batch, float weight)
    {
        var dMargins = new double[batch * _model.OutputSize];
        double loss = elided.CrossEntropy(margins, labels, batch, weight, dMargins);
        Backward(dMargins, elided, labels, batch, null);
        return loss;
    }

    /// <summary>
    /// After <see cref="Margins"/>: adds to every parameter's gradient that of a loss whose gradient with respect to
    /// the margins is <paramref name="dMargins"/>, and with respect to the bounds of some layers' inputs (host
    /// arrays, lower then upper, null where none) is <paramref name="dLayerInputs"/>.
    /// </summary>
    public void Backward(ReadOnlySpan<double> dMargins, ElidedMargins elided, ReadOnlySpan<int> labels, int batch, (float[] Lower, float[] Upper)?[]? dLayerInputs)
    {
        var dWeight = _last.Weight.Gradient.ToArray();
        var dBias = _last.Bias.Gradient.ToArray();
        int m = batch * _last.InputSize;
        var (dl, du) = (new float[m], new float[m]);
        elided.Backward(dMargins, _hostLower, _hostUpper, labels, batch, dWeight, dBias, dl, du);
        _last.Weight.Gradient.Upload(dWeight);
        _last.Bias.Gradient.Upload(dBias);
        _dLower.Upload(dl);
        _dUpper.Upload(du);
        var d = new Interval(_dLower, _dUpper);
        if (dLayerInputs?[^1] is not null) throw new ArgumentException("the last layer's input gradient comes from the margins");
        for (int i = _model.Layers.Count - 2; i >= 0; i--)
        {
            d = _model.Layers[i].IntervalBackward(d, batch);
            if (i > 0 && dLayerInputs?[i] is { } extra) Inject(d, extra, batch * _model.Layers[i].InputSize);
        }
    }

    private void Inject(Interval d, (float[] Lower, float[] Upper) extra, int length)
    {
        var scratch = Buffers.AtLeast(_model.Backend, ref _injected, length);
        scratch.Upload(extra.Lower.AsSpan(0, length));
        _model.Backend.Axpy(1f, scratch, d.Lower, length);
        scratch.Upload(extra.Upper.AsSpan(0, length));
        _model.Backend.Axpy(1f, scratch, d.Upper, length);
    }

    /// <summary>Samples whose every margin bound is positive: robust by these bounds (the clean point is in its ball, so also correct).</summary>
    public static int CountVerified(float[] margins, ReadOnlySpan<int> labels, int batch, int classes)
    {
        int verified = 0;
        for (int s = 0; s < batch; s++)
        {
            bool all = true;
            for (int j = 0; j < classes && all; j++) all = j == labels[s] || margins[s * classes + j] > 0;
            if (all) verified++;
        }
        return verified;
    }

    public void Dispose()
    {
        _inputLower.Dispose();
        _inputUpper.Dispose();
        _dLower.Dispose();
        _dUpper.Dispose();
        _injected?.Dispose();
    }
}
