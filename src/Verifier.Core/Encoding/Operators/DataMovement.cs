using Verifier.Core.Encoding;
using Verifier.Core.Numerics;
using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

/// <summary>
/// Operators that only move elements encode as an index map: the operator itself is evaluated on a tensor
/// holding each element's own index, so the map can never disagree with evaluation. No new variables.
/// </summary>
internal static class IndexMap
{
    public static EncodedValue Encode(Operator op, EncodingContext context)
    {
        var x = context.Inputs[0];
        var indices = new double[x.Length];
        for (int i = 0; i < indices.Length; i++) indices[i] = i;
        var moved = op.Evaluate<double>([new Tensor<double>(x.Shape, indices)])[0];
        return x.Gather(moved.Shape, Array.ConvertAll(moved.Data, v => (int)v));
    }
}

public sealed partial class Identity
{
    public override EncodedValue Encode(EncodingContext context) => IndexMap.Encode(this, context);
}

public abstract partial class ReshapeLike
{
    public override EncodedValue Encode(EncodingContext context) => IndexMap.Encode(this, context);
}

public sealed partial class Transpose
{
    public override EncodedValue Encode(EncodingContext context) => IndexMap.Encode(this, context);
}

public sealed partial class Pad
{
    /// <summary>Copied elements keep their variables; every pad element is one shared variable fixed to the pad value.</summary>
    public override EncodedValue Encode(EncodingContext context)
    {
        var x = context.Variables(0);
        var map = Sources(x.Shape);
        double value = Value;
        var padVariable = map.Index.Any(i => i < 0) ? context.Sink.NewReal(Rational.FromDouble(value), Rational.FromDouble(value)) : default;
        int n = map.Index.Length;
        var (variables, lower, upper) = (new Variable[n], new double[n], new double[n]);
        for (int k = 0; k < n; k++)
        {
            int i = map.Index[k];
            (variables[k], lower[k], upper[k]) = i < 0 ? (padVariable, value, value) : (x.Variables![i], x.Lower[i], x.Upper[i]);
        }
        return EncodedValue.Of(map.Output, variables, lower, upper);
    }
}
