namespace Verifier.Compute.Training.Certified;

/// <summary>
/// The certified-training loss: kappa times the clean cross-entropy plus (1 - kappa) times the cross-entropy of
/// the worst-case margins over the eps-ball (<see cref="CertifiedBounds"/>), eps, kappa and CROWN-IBP's beta
/// following <see cref="CertifiedTrainingOptions.At"/> and <see cref="CertifiedTrainingOptions.BetaAt"/>.
/// </summary>
public sealed class CertifiedObjective : ITrainingObjective
{
    private readonly CertifiedTrainingOptions _options;
    private readonly CrossEntropyObjective _clean;
    private readonly CertifiedBounds _bounds;

    public CertifiedObjective(Sequential model, CertifiedTrainingOptions options)
    {
        options.Validate();
        _options = options;
        _clean = new CrossEntropyObjective(model);
        _bounds = new CertifiedBounds(model, options.Method, options.InputMin, options.InputMax);
    }

    /// <summary>Samples of the last step whose margin bounds were all positive, and the eps they were taken at.</summary>
    public (int Verified, int Samples, double Epsilon) LastStep { get; private set; }

    public double Step(Sequential model, float[] inputs, int[] labels, int batch, double progress)
    {
        var (eps, kappa) = _options.At(progress);
        double loss = _clean.Step(model, inputs, labels, batch, (float)kappa);
        if (eps <= 0 || kappa >= 1) return loss;
        var margins = _bounds.Margins(inputs, labels, batch, eps, _options.BetaAt(progress));
        LastStep = (IntervalBoundPass.CountVerified(margins, labels, batch, model.OutputSize), batch, eps);
        return loss + _bounds.Backward(margins, labels, batch, (float)(1 - kappa));
    }

    public void Dispose()
    {
        _clean.Dispose();
        _bounds.Dispose();
    }
}
