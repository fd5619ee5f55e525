using Verifier.Core.Encoding;
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
