namespace Verifier.Compute.Training.Certified;

/// <summary>How the bounds of certified training are computed.</summary>
public enum CertifiedMethod
{
    /// <summary>Interval bound propagation, last layer elided into the margins (Gowal et al. 2018).</summary>
    Ibp,

    /// <summary>
    /// CROWN-IBP (Zhang et al., ICLR 2020): interval bounds for the intermediate layers, a CROWN back-substitution
    /// for the margins, mixed with the IBP margins by beta (<see cref="CertifiedTrainingOptions.BetaAt"/>).
    /// </summary>
    CrownIbp,
}

public static class CertifiedMethods
{
    /// <summary>The method's name on the command line and in summaries.</summary>
    public static string Name(this CertifiedMethod method) => method == CertifiedMethod.CrownIbp ? "crown-ibp" : "ibp";

    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<CertifiedMethod>().Select(m => m.Name()).ToArray();

    public static CertifiedMethod Parse(string name) =>
        Enum.GetValues<CertifiedMethod>().First(m => m.Name() == name.ToLowerInvariant());
}

/// <summary>
/// Certified training against L-infinity balls of <paramref name="Epsilon"/> intersected with the input range: the
/// loss mixes clean cross-entropy (weight kappa) with the cross-entropy of the worst-case margins the bounds allow
/// (weight 1 - kappa). The usual schedule: clean training for <see cref="WarmupShare"/> of the steps, then eps
/// ramps linearly from 0 to <paramref name="Epsilon"/> and kappa from 1 to <see cref="FinalKappa"/> over
/// <see cref="RampShare"/> of the steps, then both stay.
/// </summary>
public sealed record CertifiedTrainingOptions(double Epsilon, CertifiedMethod Method = CertifiedMethod.Ibp)
{
    public double FinalKappa { get; init; } = 0.5;

    /// <summary>CROWN-IBP's weight of the CROWN margins at the end of the ramp (the paper's schedule ends at 0: pure IBP).</summary>
    public double FinalBeta { get; init; }
    public double WarmupShare { get; init; } = 0.05;
    public double RampShare { get; init; } = 0.5;
    public float InputMin { get; init; }
    public float InputMax { get; init; } = 1f;

    public void Validate()
    {
        if (!(Epsilon > 0) || !double.IsFinite(Epsilon)) throw new ArgumentException($"the certified epsilon must be a positive number, got {Epsilon}");
        if (!(FinalKappa >= 0 && FinalKappa <= 1)) throw new ArgumentException($"kappa must be in [0, 1], got {FinalKappa}");
        if (!(FinalBeta >= 0 && FinalBeta <= 1)) throw new ArgumentException($"the final beta must be in [0, 1], got {FinalBeta}");
        if (!(WarmupShare >= 0 && RampShare >= 0 && WarmupShare + RampShare <= 1)) throw new ArgumentException("warm-up and ramp shares must be non-negative and add up to at most 1");
        if (!(InputMin < InputMax)) throw new ArgumentException($"input range [{InputMin}, {InputMax}] is empty");
    }

    /// <summary>eps and kappa after <paramref name="progress"/> (share of training steps done, 0 to 1).</summary>
    public (double Epsilon, double Kappa) At(double progress)
    {
        double ramp = Ramp(progress);
        return (Epsilon * ramp, 1 - (1 - FinalKappa) * ramp);
    }

    /// <summary>
    /// The weight of the CROWN-IBP margins against the IBP margins (0 for IBP): as in Zhang et al., beta falls
    /// linearly from 1 to <see cref="FinalBeta"/> while eps ramps up, then stays.
    /// </summary>
    public double BetaAt(double progress) => Method == CertifiedMethod.CrownIbp ? 1 - (1 - FinalBeta) * Ramp(progress) : 0;

    private double Ramp(double progress) =>
        RampShare > 0 ? Math.Clamp((progress - WarmupShare) / RampShare, 0, 1) : progress >= WarmupShare ? 1 : 0;
}
