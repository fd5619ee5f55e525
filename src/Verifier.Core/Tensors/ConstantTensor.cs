using System.Collections.Concurrent;
using System.Numerics;

namespace Verifier.Core.Tensors;

/// <summary>
/// A constant from the model file (an initializer or a Constant node): float32 values, or int64 values
/// for shape-like arguments. Float views in other precisions are converted once and cached.
/// </summary>
public sealed class ConstantTensor
{
    private readonly ConcurrentDictionary<Type, object> _views = new();

    private ConstantTensor(Shape shape, float[]? floats, long[]? ints)
    {
        Shape = shape;
        Floats = floats;
        Ints = ints;
    }

    public static ConstantTensor FromFloats(Shape shape, float[] values)
    {
        if (values.Length != shape.ElementCount) throw new ArgumentException($"{values.Length} values for shape {shape}");
        return new ConstantTensor(shape, values, null);
    }

    public static ConstantTensor FromInts(Shape shape, long[] values)
    {
        if (values.Length != shape.ElementCount) throw new ArgumentException($"{values.Length} values for shape {shape}");
        return new ConstantTensor(shape, null, values);
    }

    public Shape Shape { get; }
    public float[]? Floats { get; }
    public long[]? Ints { get; }
    public bool IsInteger => Ints is not null;

    /// <summary>The values as a float tensor of precision T (integers converted exactly where representable).</summary>
    public Tensor<T> As<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        (Tensor<T>)_views.GetOrAdd(typeof(T), _ =>
        {
            var data = new T[Shape.ElementCount];
            if (Floats is not null)
                for (int i = 0; i < data.Length; i++) data[i] = T.CreateChecked(Floats[i]);
            else
                for (int i = 0; i < data.Length; i++) data[i] = T.CreateChecked(Ints![i]);
            return new Tensor<T>(Shape, data);
        });

    /// <summary>Index of the first NaN or infinity, or -1.</summary>
    public int FirstNonFinite()
    {
        if (Floats is null) return -1;
        for (int i = 0; i < Floats.Length; i++)
            if (!float.IsFinite(Floats[i])) return i;
        return -1;
    }
}
