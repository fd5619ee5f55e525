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

public sealed partial class Pad
{
    /// <summary>
    /// y = x gathered, plus the pad value where nothing is copied: one entry per copied element, none for a pad
    /// element. Exact: a copy rounds nothing and the pad value is a float32 constant, so the bias is the value itself.
    /// </summary>
    public override AffineMap AffineBounds(BoundSignature signature)
    {
        var s = signature.InputShapes[0];
        var sources = Sources(s).Index;
        var rowStart = new int[sources.Length + 1];
        var index = new List<int>(sources.Length);
        var bias = new double[sources.Length];
        for (int k = 0; k < sources.Length; k++)
        {
            if (sources[k] >= 0) index.Add(sources[k]);
            else bias[k] = Value;
            rowStart[k + 1] = index.Count;
        }
        return new SparseMap(s.ElementCount, rowStart, [.. index], null, bias, extraOperations: 0) { Exact = true };
    }
}
