using Verifier.Pipeline;

namespace Verifier.Gate.Config;

/// <summary>What a gate checks, as read (and fully validated) from its YAML file. Paths are absolute.</summary>
public sealed record GateConfig(string Path, int Seed, UndecidedPolicy Undecided, IReadOnlyList<CheckConfig> Checks);

/// <summary>How an undecided property (unknown or timeout) counts against a threshold.</summary>
public enum UndecidedPolicy
{
    /// <summary>A threshold that holds only if undecided properties went the right way is not met: exit 2.</summary>
    Fail,

    /// <summary>Undecided properties count as verified (an explicit, documented opt-in).</summary>
    Pass,
}

/// <summary>One named check of one model; exactly one of the property sources is set.</summary>
public sealed record CheckConfig(
    string Name,
    string Model,
    IReadOnlyList<string>? VnnLib,
    RobustnessConfig? Robustness,
    DlvCheckConfig? Dlv,
    IReadOnlyList<AnalysisMethod> Methods,
    double TimeoutSeconds,
    double? BudgetSeconds,
    Thresholds Thresholds);

/// <summary>L-infinity robustness of <see cref="Count"/> dataset images at every epsilon.</summary>
public sealed record RobustnessConfig(string Images, string Labels, int Start, int Count, IReadOnlyList<double> Epsilons,
    double ClipLower, double ClipUpper, double Scale);

/// <summary>
/// DLV manipulation checks (Huang et al., CAV 2017) on dataset images: an adversarial example DLV finds is a
/// falsification (re-validated as an L-infinity counterexample of its own distance); only the `guarantee` search,
/// which evaluates every point of the discretised region, can report the image safe with respect to the
/// manipulations; the heuristic searches otherwise leave it unknown.
/// </summary>
public sealed record DlvCheckConfig(string Images, string Labels, int Start, int Count, Verifier.Dlv.Search.SearchStrategy Search,
    int Features, int FeatureDims, double Span, int NumSpan);

/// <summary>When a check passes: at least this fraction verified, at most this many falsified.</summary>
public sealed record Thresholds(double MinVerified, int MaxFalsified);
