using Verifier.Core.Bounds;
using Verifier.Core.Graph;
using Verifier.Core.Numerics;
using Verifier.Core.Specifications;

namespace Verifier.Core.Encoding;

/// <summary>The encoded network: the input and output variables (flattened).</summary>
public sealed record EncodedNetwork(EncodedValue Input, EncodedValue Output);

/// <summary>
/// Encodes a whole graph into a sink, node by node in topological order. The input variables range over
/// the box rounded outward to float32, because the float32 network computes on the float32 rounding of
/// the input; every float32 execution on an input of the box is then a solution of the encoding.
/// </summary>
public static class NetworkEncoder
{
    public static EncodedNetwork Encode(NetworkGraph graph, IEncodingSink sink, InputBox box, NetworkBounds? bounds)
    {
        var inputShape = graph.InputShape;
        if (box.Dimension != inputShape.ElementCount)
            throw new ArgumentException($"the box has {box.Dimension} inputs, the network takes {inputShape.ElementCount}");
        var values = new Dictionary<string, EncodedValue>();
        foreach (var (name, constant) in graph.Constants) values[name] = EncodedValue.OfConstant(constant);
        values[graph.Input] = EncodeInput(graph, sink, box, bounds);
        foreach (var node in graph.Nodes)
        {
            if (node.Outputs.Count != 1) throw new NotEncodableException($"{node}: only single-output operators are encoded");
            var output = node.Outputs[0];
            var inputs = node.Inputs.Select(n => values[n]).ToArray();
            var context = new EncodingContext(sink, node, inputs, graph.Shapes[output], Given(bounds, output));
            values[output] = node.Operator.Encode(context);
        }
        return new EncodedNetwork(values[graph.Input], values[graph.Output]);
    }

    private static ValueBounds? Given(NetworkBounds? bounds, string name) =>
        bounds is not null && bounds.Values.TryGetValue(name, out var b) ? b : null;

    private static EncodedValue EncodeInput(NetworkGraph graph, IEncodingSink sink, InputBox box, NetworkBounds? bounds)
    {
        var given = Given(bounds, graph.Input);
        int n = box.Dimension;
        var lo = new double[n];
        var hi = new double[n];
        var vars = new Variable[n];
        for (int i = 0; i < n; i++)
        {
            double l = box.Lower[i].Value, u = box.Upper[i].Value;
            if (given is not null && given.Length == n) { l = Math.Max(l, given.Lower[i]); u = Math.Min(u, given.Upper[i]); }
            lo[i] = Float32Rounding.Down(l);
            hi[i] = Float32Rounding.Up(u);
            vars[i] = sink.NewReal(Rational.FromDouble(lo[i]), Rational.FromDouble(hi[i]));
        }
        return EncodedValue.Of(graph.InputShape, vars, lo, hi);
    }
}
