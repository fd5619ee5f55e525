using Verifier.Core.Bounds;
using Verifier.Core.Graph;
using Verifier.Core.Numerics;
using Verifier.Core.Tensors;

namespace Verifier.Core.Encoding;

/// <summary>What an operator sees while encoding one node: its encoded inputs and the sink.</summary>
public sealed class EncodingContext
{
    private readonly ValueBounds? _given;

    internal EncodingContext(IEncodingSink sink, Node node, IReadOnlyList<EncodedValue> inputs, Shape outputShape, ValueBounds? given)
    {
        Sink = sink;
        Node = node;
        Inputs = inputs;
        OutputShape = outputShape;
        _given = given;
    }

    public IEncodingSink Sink { get; }
    public Node Node { get; }
    public IReadOnlyList<EncodedValue> Inputs { get; }

    /// <summary>The declared (batch 1) shape of the node's output.</summary>
    public Shape OutputShape { get; }

    /// <summary>Input <paramref name="index"/>, which must be a computed value, not a model constant.</summary>
    public EncodedValue Variables(int index) =>
        Inputs[index].IsConstant ? throw NotEncodable($"input {index} is a constant; only data inputs are encoded") : Inputs[index];

    public NotEncodableException NotEncodable(string why) => new($"{Node}: {why}");

    /// <summary>
    /// Fresh variables for the output, bounded by <paramref name="lower"/>/<paramref name="upper"/> (sound
    /// bounds the operator derived from its inputs) intersected with the caller's bounds for this value, both
    /// rounded outward to float32 so the asserted numbers stay short.
    /// </summary>
    public EncodedValue NewOutput(double[] lower, double[] upper)
    {
        var lo = new double[lower.Length];
        var hi = new double[upper.Length];
        var vars = new Variable[lower.Length];
        bool useGiven = _given is not null && _given.Length == lower.Length;
        for (int i = 0; i < lo.Length; i++)
        {
            lo[i] = Float32Rounding.Down(useGiven ? Math.Max(lower[i], _given!.Lower[i]) : lower[i]);
            hi[i] = Float32Rounding.Up(useGiven ? Math.Min(upper[i], _given!.Upper[i]) : upper[i]);
            if (!double.IsFinite(lo[i]) || !double.IsFinite(hi[i]))
                throw NotEncodable($"output element {i} has no finite bounds");
            vars[i] = Sink.NewReal(Rational.FromDouble(lo[i]), Rational.FromDouble(hi[i]));
        }
        return EncodedValue.Of(OutputShape, vars, lo, hi);
    }
}
