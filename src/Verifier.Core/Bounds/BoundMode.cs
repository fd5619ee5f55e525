namespace Verifier.Core.Bounds;

/// <summary>How tight (and how costly) bound propagation is.</summary>
public enum BoundMode
{
    /// <summary>Interval arithmetic (IBP), one forward pass.</summary>
    Interval,

    /// <summary>Symbolic linear bounds with back-substitution (DeepPoly/CROWN) for every pre-activation and spec row.</summary>
    Crown,

    /// <summary>CROWN, then the lower ReLU slopes of the spec-row bounds optimised by projected gradient ascent.</summary>
    AlphaCrown,
}
