namespace Verifier.Core.Bounds;

/// <summary>
/// The optimised lower ReLU slopes behind intermediate bounds (alpha-CROWN at the root of a search), kept so that
/// sub-domains refine the same bounds with them instead of CROWN's adaptive slopes. Per activation input and
/// neuron j, entry 2j holds the slopes of its lower bound and 2j + 1 those of its upper bound, each per earlier
/// activation layer (null where none were optimised). Immutable: sub-domains share their root's.
/// </summary>
internal sealed class IntermediateSlopes
{
    public static readonly IntermediateSlopes None = new(new Dictionary<int, double[]?[]?[]>());

    private readonly IReadOnlyDictionary<int, double[]?[]?[]> _byValue;

    private IntermediateSlopes(IReadOnlyDictionary<int, double[]?[]?[]> byValue) => _byValue = byValue;

    public IntermediateSlopes With(int value, double[]?[]?[] perBound) =>
        new(new Dictionary<int, double[]?[]?[]>(_byValue) { [value] = perBound });

    public double[]?[]?[]? Of(int value) => _byValue.GetValueOrDefault(value);
}
