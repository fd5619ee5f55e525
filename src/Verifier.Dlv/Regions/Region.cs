namespace Verifier.Dlv.Regions;

/// <summary>
/// One manipulated dimension of a layer region: values Centre + c * Span for integer c in [-NumSpan, NumSpan]
/// (the paper's sp_p and m_p). Every dimension not listed stays at its original activation.
/// </summary>
public sealed record RegionDim(int Index, double Centre, double Span, int NumSpan)
{
    public double HalfWidth => Span * NumSpan;
    public double Lower => Centre - HalfWidth;
    public double Upper => Centre + HalfWidth;
}

/// <summary>The region η_k of one layer (chain position <see cref="Layer"/>) over its selected dimensions.</summary>
public sealed record Region(int Layer, IReadOnlyList<RegionDim> Dims)
{
    public int[] Indices => Dims.Select(d => d.Index).ToArray();
    public double MaxSpan => Dims.Count == 0 ? 0 : Dims.Max(d => d.Span);
    public int MaxNumSpan => Dims.Count == 0 ? 0 : Dims.Max(d => d.NumSpan);
}

/// <summary>How the grid points of a region are enumerated (the code's enumerationMethod).</summary>
public enum Enumeration
{
    /// <summary>The 2^n corners c_p ∈ {−m_p, +m_p} (the code's "convex").</summary>
    Corners,
    /// <summary>All ∏(2m_p+1) lattice points (the code's "line").</summary>
    Lattice,
    /// <summary>Only c = +m (the code's "point").</summary>
    Point,
}
