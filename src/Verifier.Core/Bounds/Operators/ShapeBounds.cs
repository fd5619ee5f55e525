using Verifier.Core.Bounds;
using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

public sealed partial class Identity
{
    public override AffineMap AffineBounds(BoundSignature signature) => DataMovement.Same(signature);
}

public abstract partial class ReshapeLike
{
    public override AffineMap AffineBounds(BoundSignature signature) => DataMovement.Same(signature);
}

public sealed partial class Transpose
{
    /// <summary>Transposing the element indices themselves gives, for every output, the input it copies.</summary>
    public override AffineMap AffineBounds(BoundSignature signature)
    {
        var s = signature.InputShapes[0];
        var indices = new Tensor<double>(s, Enumerable.Range(0, s.ElementCount).Select(i => (double)i).ToArray());
        var source = Apply(indices, Resolve(s)).Data.Select(v => (int)v).ToArray();
        return SparseMap.Elementwise(s.ElementCount, s.ElementCount, source, null, null);
    }
}

/// <summary>Maps of operators that move data without arithmetic.</summary>
internal static class DataMovement
{
    public static AffineMap Same(BoundSignature signature)
    {
        int n = signature.InputShapes[0].ElementCount;
        return SparseMap.Elementwise(n, n, null, null, null);
    }
}
