namespace Verifier.Reports.Model;

/// <summary>
/// The machine-readable result of a gate run (schema `verifier-gate-report/1`, documented in docs/gate.md).
/// Written by `verify gate --json`, read back by `verify merge` and `--baseline`.
/// </summary>
public sealed record GateReport(
    string Schema,
    string ToolVersion,
    string Config,
    int Seed,
    string Shard,
    DateTimeOffset Started,
    double Seconds,
    string Status,
    int ExitCode,
    IReadOnlyList<CheckReport> Checks)
{
    public const string SchemaName = "verifier-gate-report/1";
}

/// <summary>
/// One check: its thresholds, the per-property results and the verdict on the thresholds. <see cref="Epsilons"/>
/// are a robustness check's configured radii, so that a chart shows every one, even one this shard drew no property of.
/// </summary>
public sealed record CheckReport(
    string Name,
    string Model,
    string ModelSha256,
    string Status,
    IReadOnlyList<string> Reasons,
    double MinVerified,
    int MaxFalsified,
    string Undecided,
    Counts Counts,
    IReadOnlyList<PropertyReport> Properties,
    IReadOnlyList<double>? Epsilons = null);

public sealed record Counts(int Total, int Verified, int Falsified, int Unknown, int Timeout, int Error)
{
    /// <summary>Properties that might still verify. Errors are not among them: an analysis that failed never counts as verified.</summary>
    public int Undecided => Unknown + Timeout;

    public static Counts Of(IEnumerable<PropertyReport> properties)
    {
        var list = properties.ToList();
        int Count(string r) => list.Count(p => p.Result == r);
        return new Counts(list.Count, Count("verified"), Count("falsified"), Count("unknown"), Count("timeout"), Count("error"));
    }
}

/// <summary>One property: a VNN-LIB file, or one image at one epsilon.</summary>
public sealed record PropertyReport(
    string Id,
    string Spec,
    double? Epsilon,
    int? ImageIndex,
    int? Label,
    string Result,
    double Seconds,
    string Method,
    string? Detail,
    WitnessReport? Witness,
    IReadOnlyList<string>? Artifacts);

/// <summary>A validated counterexample: the input, the float32 outputs, and its distance from the original input.</summary>
public sealed record WitnessReport(
    double[] Input,
    double[] Output,
    int PredictedClass,
    double? LinfDistance,
    double? L2Distance,
    int? ChangedInputs);
