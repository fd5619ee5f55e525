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
    }

    public float InputMin { get; }
    public float InputMax { get; }

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
        for (int i = 0; i < _model.Layers.Count - 1; i++) h = _model.Layers[i].IntervalForward(h, batch);
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
        var dWeight = _last.Weight.Gradient.ToArray();
        var dBias = _last.Bias.Gradient.ToArray();
        int m = batch * _last.InputSize;
        var (dl, du) = (new float[m], new float[m]);
        double loss = elided.Loss(margins, _hostLower, _hostUpper, labels, batch, weight, dWeight, dBias, dl, du);
        _last.Weight.Gradient.Upload(dWeight);
        _last.Bias.Gradient.Upload(dBias);
        _dLower.Upload(dl);
        _dUpper.Upload(du);
        var d = new Interval(_dLower, _dUpper);
        for (int i = _model.Layers.Count - 2; i >= 0; i--) d = _model.Layers[i].IntervalBackward(d, batch);
        return loss;
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

    /// <summary>Share of <paramref name="data"/> these bounds count as robust at <paramref name="epsilon"/>.</summary>
    public double VerifiedAccuracy(LabelledData data, double epsilon, CancellationToken cancel = default)
    {
        if (data.Count == 0) return 0;
        int verified = 0;
        for (int start = 0; start < data.Count; start += _model.MaxBatch)
        {
            cancel.ThrowIfCancellationRequested();
            int batch = Math.Min(_model.MaxBatch, data.Count - start);
            var labels = data.Labels.AsSpan(start, batch);
            var (margins, _) = Margins(data.Features.AsSpan(start * data.SampleSize, batch * data.SampleSize), labels, batch, epsilon);
            verified += CountVerified(margins, labels, batch, _model.OutputSize);
        }
        return (double)verified / data.Count;
    }

    public void Dispose()
    {
        _inputLower.Dispose();
        _inputUpper.Dispose();
        _dLower.Dispose();
        _dUpper.Dispose();
    }
}
