namespace Verifier.Core.Bounds;

/// <summary>
/// Sound elementwise bounds of one graph value (flattened, batch 1): every value the float32 network can
/// compute there, for any input in the analysed box, lies in [Lower[i], Upper[i]].
/// </summary>
public sealed record ValueBounds(double[] Lower, double[] Upper)
{
    public int Length => Lower.Length;

    public static ValueBounds Point(double[] values) => new((double[])values.Clone(), (double[])values.Clone());
}

/// <summary>Bounds for every value of a graph, keyed by value name.</summary>
public sealed class NetworkBounds(IReadOnlyDictionary<string, ValueBounds> values)
{
    public IReadOnlyDictionary<string, ValueBounds> Values { get; } = values;
    public ValueBounds this[string name] => Values[name];
}
