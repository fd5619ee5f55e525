namespace Verifier.Core.Bounds;

/// <summary>
/// Branch-and-bound decisions on activation neurons: +1 fixes the neuron's input to be &gt;= 0 (active), -1 to be
/// &lt;= 0 (inactive). Immutable; <see cref="With"/> copies only the changed layer.
/// </summary>
public sealed class ReluSplits
{
    public static readonly ReluSplits None = new(new Dictionary<int, sbyte[]>(), 0);

    private readonly Dictionary<int, sbyte[]> _layers;

    private ReluSplits(Dictionary<int, sbyte[]> layers, int count)
    {
        _layers = layers;
        Count = count;
    }

    /// <summary>Number of decisions taken.</summary>
    public int Count { get; }

    /// <summary>Decisions of an activation layer (by <see cref="ActivationLayer.Index"/>), or null.</summary>
    public sbyte[]? Layer(int layer) => _layers.GetValueOrDefault(layer);

    /// <summary>The first activation layer (lowest index) with a decision, or null when there is none.</summary>
    public int? FirstLayer => _layers.Count == 0 ? null : _layers.Keys.Min();

    public ReluSplits With(int layer, int size, int neuron, sbyte decision)
    {
        var copy = new Dictionary<int, sbyte[]>(_layers);
        var decisions = copy.TryGetValue(layer, out var old) ? (sbyte[])old.Clone() : new sbyte[size];
        decisions[neuron] = decision;
        copy[layer] = decisions;
        return new ReluSplits(copy, Count + 1);
    }
}

/// <summary>An activation node that CROWN relaxes (ReLU, LeakyRelu) and branch and bound may split.</summary>
public sealed record ActivationLayer(int Index, string InputName, int Size, double NegativeSlope);

/// <summary>The spec rows as a final linear layer: row r is sum_j C[r, j] y_j, unsafe when it is &lt;= Threshold[r].</summary>
public sealed record LinearSpec(double[] Coefficients, double[] Thresholds)
{
    public int Rows => Thresholds.Length;
}

/// <summary>
/// Lower bounds of the spec rows with what branching heuristics need, and per row the optimised relaxation
/// (null where the row was not optimised) to warm-start sub-domains with.
/// </summary>
public sealed record SpecBounds(double[] Lower, double[][] Minimizers, double[]? InputCoefficients, double[]?[]? ActivationCoefficients,
    RowRelaxation?[] Relaxations);
