using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

public sealed partial class Identity
{
    public override Tensor<T>?[] Backward<T>(IReadOnlyList<Tensor<T>> inputs, IReadOnlyList<Tensor<T>> outputs,
        IReadOnlyList<Tensor<T>> outputGradients, IReadOnlyList<bool> wanted) =>
        FirstOnly(inputs.Count, outputGradients[0]);
}

public abstract partial class ReshapeLike
{
    /// <summary>Only the shape changed, so the gradient is the output gradient read with the input's shape.</summary>
    public override Tensor<T>?[] Backward<T>(IReadOnlyList<Tensor<T>> inputs, IReadOnlyList<Tensor<T>> outputs,
        IReadOnlyList<Tensor<T>> outputGradients, IReadOnlyList<bool> wanted) =>
        FirstOnly(inputs.Count, outputGradients[0].Reshape(inputs[0].Shape));
}

public sealed partial class Transpose
{
    public override Tensor<T>?[] Backward<T>(IReadOnlyList<Tensor<T>> inputs, IReadOnlyList<Tensor<T>> outputs,
        IReadOnlyList<Tensor<T>> outputGradients, IReadOnlyList<bool> wanted)
    {
        var perm = Resolve(inputs[0].Shape);
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return FirstOnly(inputs.Count, Apply(outputGradients[0], inverse));
    }
}

public sealed partial class Pad
{
    /// <summary>Each output's gradient goes to the element it copied (edge and reflect copies add up); the pad value has none.</summary>
    public override Tensor<T>?[] Backward<T>(IReadOnlyList<Tensor<T>> inputs, IReadOnlyList<Tensor<T>> outputs,
        IReadOnlyList<Tensor<T>> outputGradients, IReadOnlyList<bool> wanted)
    {
        var sources = Sources(inputs[0].Shape).Index;
        var gy = outputGradients[0].Data;
        var gx = new T[inputs[0].Data.Length];
        for (int k = 0; k < sources.Length; k++)
            if (sources[k] >= 0) gx[sources[k]] += gy[k];
        return FirstOnly(inputs.Count, new Tensor<T>(inputs[0].Shape, gx));
    }
}
