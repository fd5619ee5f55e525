namespace Verifier.Compute.Training.Certified;

/// <summary>
/// The margin bounds a certified-training method trains against, with their gradient: IBP's elided margins, or
/// CROWN-IBP's beta * CROWN margins + (1 - beta) * IBP margins (Zhang et al., ICLR 2020).
/// </summary>
public sealed class CertifiedBounds : IDisposable
{
    private readonly IntervalBoundPass _intervals;
    private readonly CrownMargins? _crown;
    private ElidedMargins? _elided;
    private double _beta;

    public CertifiedBounds(Sequential model, CertifiedMethod method, float inputMin = 0f, float inputMax = 1f)
    {
        _intervals = new IntervalBoundPass(model, inputMin, inputMax);
        _crown = method == CertifiedMethod.CrownIbp ? new CrownMargins(model) : null;
    }

    /// <summary>
    /// Lower bounds of the margins z_y - z_j (0 at j = label), samples by classes, over the eps-balls of the batch;
    /// <paramref name="beta"/> weighs CROWN-IBP's against IBP's (0 for IBP, which skips the CROWN pass).
    /// </summary>
    public float[] Margins(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch, double epsilon, double beta)
    {
        var (margins, elided) = _intervals.Margins(inputs, labels, batch, epsilon);
        (_elided, _beta) = (elided, _crown is null ? 0 : beta);
        if (_beta == 0) return margins;
        var crown = _crown!.Margins(_intervals, elided, labels, batch);
        for (int k = 0; k < margins.Length; k++) margins[k] = (float)(_beta * crown[k] + (1 - _beta) * margins[k]);
        return margins;
    }

    /// <summary>
    /// After <see cref="Margins"/>: the worst-case cross-entropy of the margins times <paramref name="weight"/>, its
    /// gradient added to every parameter's.
    /// </summary>
    public double Backward(float[] margins, ReadOnlySpan<int> labels, int batch, float weight)
    {
        var elided = _elided ?? throw new InvalidOperationException("Backward before Margins");
        var dMargins = new double[margins.Length];
        double loss = elided.CrossEntropy(margins, labels, batch, weight, dMargins);
        (float[], float[])?[]? boundGradients = null;
        if (_beta > 0)
        {
            boundGradients = _crown!.Backward(Scaled(dMargins, _beta), elided, labels, batch);
            dMargins = Scaled(dMargins, 1 - _beta);
        }
        _intervals.Backward(dMargins, elided, labels, batch, boundGradients);
        return loss;
    }

    private static double[] Scaled(double[] values, double factor) => values.Select(v => v * factor).ToArray();

    /// <summary>
    /// Share of <paramref name="data"/> these bounds count as robust at <paramref name="epsilon"/>: for CROWN-IBP a
    /// row is proven by either bound (each is a bound on its own), so the tighter one counts.
    /// </summary>
    public double VerifiedAccuracy(LabelledData data, double epsilon, CancellationToken cancel = default)
    {
        if (data.Count == 0) return 0;
        var model = _intervals.Model;
        int verified = 0;
        for (int start = 0; start < data.Count; start += model.MaxBatch)
        {
            cancel.ThrowIfCancellationRequested();
            int batch = Math.Min(model.MaxBatch, data.Count - start);
            var labels = data.Labels.AsSpan(start, batch);
            var inputs = data.Features.AsSpan(start * data.SampleSize, batch * data.SampleSize);
            var (margins, elided) = _intervals.Margins(inputs, labels, batch, epsilon);
            if (_crown is not null)
            {
                var crown = _crown.Margins(_intervals, elided, labels, batch);
                for (int k = 0; k < margins.Length; k++) margins[k] = Math.Max(margins[k], crown[k]);
            }
            verified += IntervalBoundPass.CountVerified(margins, labels, batch, model.OutputSize);
        }
        return (double)verified / data.Count;
    }

    public void Dispose()
    {
        _intervals.Dispose();
        _crown?.Dispose();
    }
}
