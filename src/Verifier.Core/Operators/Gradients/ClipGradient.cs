namespace Verifier.Core.Operators;

public sealed partial class Clip
{
    /// <summary>The gradient passes where the input was not clipped (y = x), and is 0 where a bound held it.</summary>
    public override Tensors.Tensor<T>?[] Backward<T>(IReadOnlyList<Tensors.Tensor<T>> inputs, IReadOnlyList<Tensors.Tensor<T>> outputs,
        IReadOnlyList<Tensors.Tensor<T>> outputGradients, IReadOnlyList<bool> wanted)
    {
        var (x, y, gy) = (inputs[0].Data, outputs[0].Data, outputGradients[0].Data);
        var gx = new T[x.Length];
        for (int i = 0; i < x.Length; i++) gx[i] = y[i] == x[i] ? gy[i] : T.Zero;
        return FirstOnly(inputs.Count, new Tensors.Tensor<T>(inputs[0].Shape, gx));
    }
}
