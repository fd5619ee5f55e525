using Verifier.Dlv.Regions;

namespace Verifier.Dlv;

public enum RegionSynthMethod
{
    /// <summary>The code's default for Dense layers: grid step found by halving until it divides every one-step change.</summary>
    Condense,
    /// <summary>Closed-form containment (the code's Z3 ∀∃ query): the smallest m with the image of the box inside ±m·sp.</summary>
    Stretch,
}

public enum SearchMode { Heuristic, Exhaustive }

/// <summary>
/// DLV's knobs (names after the paper; the original configuration name in the comment). Defaults are the
/// MNIST configuration of xiaoweih/DLV. The <c>Compat*</c> switches restore a behaviour of the original code
/// where it departs from the paper (method doc §1.8); they are off by default, so the paper's intent runs.
/// </summary>
public sealed record DlvOptions
{
    /// <summary>Dimensions per feature, dims_{k,f} (featureDims).</summary>
    public int FeatureDims { get; init; } = 5;
    /// <summary>Rounds per layer (numOfFeatures); dims_L = FeatureDims · NumFeatures.</summary>
    public int NumFeatures { get; init; } = 150;
    /// <summary>Input grid step sp (span).</summary>
    public double Span { get; init; } = 1.0;
    /// <summary>Input steps per direction m (numSpan).</summary>
    public int NumSpan { get; init; } = 1;
    /// <summary>Valid input range (boundOfPixelValue).</summary>
    public double InputLow { get; init; } = 0;
    public double InputHigh { get; init; } = 1;
    /// <summary>Hidden-layer precision ε (errorBounds); null = the finest step of the layer (late precSynthFull).</summary>
    public double? Precision { get; init; } = 1.0;
    /// <summary>Refinement and input-region tolerance (epsilon).</summary>
    public double Tolerance { get; init; } = 0.1;
    public Enumeration Enumeration { get; init; } = Enumeration.Corners;
    public RegionSynthMethod DenseRegion { get; init; } = RegionSynthMethod.Condense;
    /// <summary>Largest number of grid points one safety analysis may enumerate.</summary>
    public long MaxGridPoints { get; init; } = 1_000_000;
    /// <summary>Seed of the heuristic path's random choices.</summary>
    public int Seed { get; init; }
    /// <summary>Clear the manipulated set when a new feature adds no new dims (reset = onEqualManipulationSet).</summary>
    public bool ResetOnExhaustion { get; init; } = true;

    /// <summary>Exhaustive search: normalised L1 budget (controlledSearch), expansions (maxSearchNum), queue cap (maxQueueSize).</summary>
    public double DistanceBudget { get; init; } = 0.02;
    public int MaxExpansions { get; init; } = 20000;
    public int MaxQueueSize { get; init; } = 5000;

    /// <summary>
    /// Back-mapping through Dense/Conv layers. Null: the target neurons must equal the grid point exactly (the code's
    /// Dense Q2), solved by exact elimination. A value s: Z3 QF_LRA with |y'_j − target_j| ≤ s·p_j (p_j the grid step,
    /// the paper's intent) and input values kept in the valid range.
    /// </summary>
    public double? SmtSlack { get; init; }
    /// <summary>Let Z3's ∀ query (Q1) decide every containment step m, starting from the closed form's value.</summary>
    public bool SmtRegionSteps { get; init; }
    /// <summary>Z3's per-query limit (the code: 600 s for Q2, enforced with child processes).</summary>
    public TimeSpan SmtTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Stops a search between grid points (a deadline or Ctrl-C); it then throws OperationCanceledException.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Original code: ReLU is not inverted on the way back (hidden values may come out negative).</summary>
    public bool CompatReluNotInverted { get; init; }
    /// <summary>Original code: a pooled value is written to the top-left cell of its window, not to its max cell.</summary>
    public bool CompatMaxPoolTopLeft { get; init; }
    /// <summary>Original code: Flatten maps (c,i,j) to c·H·W + i·W + W instead of + j.</summary>
    public bool CompatFlattenIndex { get; init; }
}
