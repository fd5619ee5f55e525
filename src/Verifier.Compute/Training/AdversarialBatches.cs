using Verifier.Compute.Backends;

namespace Verifier.Compute.Training;

/// <summary>PGD in the training loop (Madry et al.): L-infinity ball of <see cref="Epsilon"/> intersected with the input range.</summary>
/// <param name="Fraction">Share of every mini-batch replaced by its PGD examples: 1 is Madry's pure adversarial
/// training; less keeps clean samples in each step, which holds clean accuracy up.</param>
public sealed record AdversarialTrainingOptions(double Epsilon, int Steps, double Fraction = 0.5, int Seed = 0)
{
    /// <summary>Step size; by default 2.5 eps / steps, as in the attacks, so a step sequence can cross the ball.</summary>
    public double? StepSize { get; init; }
    public float InputMin { get; init; }
    public float InputMax { get; init; } = 1f;

    public double Step => StepSize ?? 2.5 * Epsilon / Steps;

    public void Validate()
    {
        if (!(Epsilon > 0) || !double.IsFinite(Epsilon)) throw new ArgumentException($"epsilon must be a positive number, got {Epsilon}");
        if (Steps < 1) throw new ArgumentException($"PGD steps must be at least 1, got {Steps}");
        if (!(Fraction > 0 && Fraction <= 1)) throw new ArgumentException($"the adversarial fraction must be in (0, 1], got {Fraction}");
        if (!(InputMin < InputMax)) throw new ArgumentException($"input range [{InputMin}, {InputMax}] is empty");
    }
}

/// <summary>
/// Replaces the first <see cref="AdversarialTrainingOptions.Fraction"/> of each (already shuffled) mini-batch by
/// PGD examples against the current weights: random start in the ball, signed-gradient ascent of the
/// cross-entropy, projection after every step. Runs on the model's own backend, so it costs one forward pass and
/// one input-gradient pass (no weight gradients) per step. These points only train the model; they are never reported as counterexamples.
/// </summary>
public sealed class AdversarialBatches : IBatchTransform, IDisposable
{
    private readonly AdversarialTrainingOptions _options;
    private readonly Random _random;
    private readonly ComputeBuffer<int> _labels;
    private readonly ComputeBuffer<float> _dLogits;
    private float[] _origin = [], _gradient = [];

    public AdversarialBatches(Sequential model, AdversarialTrainingOptions options)
    {
        options.Validate();
        _options = options;
        _random = new Random(options.Seed);
        _labels = model.Backend.Allocate<int>(model.MaxBatch);
        _dLogits = model.Backend.Allocate<float>(checked(model.MaxBatch * model.OutputSize));
    }

    public void Apply(Sequential model, float[] inputs, int[] labels, int count)
    {
        int rows = (int)Math.Ceiling(count * _options.Fraction), d = model.InputSize, n = rows * d;
        if (rows == 0) return;
        if (_origin.Length < n) (_origin, _gradient) = (new float[n], new float[n]);
        var x = inputs.AsSpan(0, n);
        var origin = _origin.AsSpan(0, n);
        x.CopyTo(origin);
        float eps = (float)_options.Epsilon, step = (float)_options.Step;
        for (int i = 0; i < n; i++) x[i] = origin[i] + (float)((_random.NextDouble() * 2 - 1) * eps);
        Project(x, origin, eps);
        _labels.Upload(labels.AsSpan(0, rows));
        var gradient = _gradient.AsSpan(0, n);
        for (int s = 0; s < _options.Steps; s++)
        {
            var logits = model.Forward(inputs, rows);
            model.Backend.SoftmaxCrossEntropy(logits, _labels, rows, model.OutputSize, _dLogits);
            model.Backward(_dLogits, rows, inputGradient: true, parameterGradients: false)!.Download(gradient);
            for (int i = 0; i < n; i++) x[i] += gradient[i] > 0 ? step : gradient[i] < 0 ? -step : 0f;
            Project(x, origin, eps);
        }
    }

    /// <summary>Clamps x into [origin - eps, origin + eps] and the input range.</summary>
    private void Project(Span<float> x, ReadOnlySpan<float> origin, float eps)
    {
        for (int i = 0; i < x.Length; i++)
            x[i] = Math.Min(Math.Max(x[i], Math.Max(_options.InputMin, origin[i] - eps)), Math.Min(_options.InputMax, origin[i] + eps));
    }

    public void Dispose()
    {
        _labels.Dispose();
        _dLogits.Dispose();
    }
}
