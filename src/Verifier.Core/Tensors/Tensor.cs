using System.Numerics;

namespace Verifier.Core.Tensors;

/// <summary>A dense row-major tensor of float or double.</summary>
public sealed class Tensor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Tensor(Shape shape, T[] data)
    {
        if (data.Length != shape.ElementCount)
            throw new ArgumentException($"data length {data.Length} does not match shape {shape}");
        Shape = shape;
        Data = data;
    }

    public Tensor(Shape shape) : this(shape, new T[shape.ElementCount]) { }

    public Shape Shape { get; }
    public T[] Data { get; }

    public Tensor<T> Reshape(Shape shape) => new(shape, Data);

    public Tensor<TOut> Cast<TOut>() where TOut : unmanaged, IFloatingPointIeee754<TOut>
    {
        var result = new TOut[Data.Length];
        for (int i = 0; i < Data.Length; i++) result[i] = TOut.CreateChecked(Data[i]);
        return new Tensor<TOut>(Shape, result);
    }

    public override string ToString() => $"Tensor<{typeof(T).Name}>{Shape}";
}
