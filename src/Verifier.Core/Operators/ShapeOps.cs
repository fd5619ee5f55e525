using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

/// <summary>Identity, and Dropout at inference time.</summary>
public sealed partial class Identity(string opType) : Operator
{
    public override string OpType { get; } = opType;
    public override Shape[] InferShapes(IReadOnlyList<Shape> inputs) => One(inputs[0]);
    public override Tensor<T>[] Evaluate<T>(IReadOnlyList<Tensor<T>> inputs) => One(inputs[0]);
}

/// <summary>Operators that only reinterpret the row-major data with a new shape.</summary>
public abstract partial class ReshapeLike : Operator
{
    public override Tensor<T>[] Evaluate<T>(IReadOnlyList<Tensor<T>> inputs) =>
        One(inputs[0].Reshape(InferShapes([inputs[0].Shape])[0]));
}

public sealed partial class Flatten(int axis) : ReshapeLike
{
    public int Axis { get; } = axis;
    public override string OpType => "Flatten";

    public override Shape[] InferShapes(IReadOnlyList<Shape> inputs)
    {
        var s = inputs[0];
        int axis = Axis < 0 ? Axis + s.Rank : Axis;
        if (axis < 0 || axis > s.Rank) throw new ShapeException($"Flatten axis {Axis} out of range for {s}");
        return One(new Shape(s.Product(0, axis), s.Product(axis, s.Rank)));
    }
}

/// <summary>
/// Reshape to a constant target. The first shape inference (at load time, on declared shapes) records the
/// declared batch; when a larger batch is evaluated, a target that starts with the declared batch keeps
/// the actual batch instead (the one liberty taken for batched evaluation).
/// </summary>
public sealed partial class Reshape(long[] target) : ReshapeLike
{
    private int? _declaredBatch;

    public IReadOnlyList<long> Target { get; } = target;
    public override string OpType => "Reshape";
    public override IReadOnlyList<int> ConstantInputs => [1];

    public override Shape[] InferShapes(IReadOnlyList<Shape> inputs)
    {
        var s = inputs[0];
        _declaredBatch ??= s.Rank > 0 ? s[0] : 1;
        var target = Target.ToArray();
        if (s.Rank > 0 && s[0] != _declaredBatch && target.Length > 0 && target[0] == _declaredBatch) target[0] = s[0];
        return One(Resolve(s, target));
    }

    private static Shape Resolve(Shape s, long[] target)
    {
        var dims = new int[target.Length];
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            long t = target[i];
            if (t == -1 && inferred < 0) { inferred = i; continue; }
            if (t == 0 && i < s.Rank) dims[i] = s[i];
            else if (t > 0 && t <= int.MaxValue) dims[i] = (int)t;
            else throw new ShapeException($"bad Reshape target [{string.Join(",", target)}] for {s}");
            known *= dims[i];
        }
        if (inferred >= 0)
        {
            if (known == 0 || s.ElementCount % known != 0) throw new ShapeException($"cannot reshape {s} to [{string.Join(",", target)}]");
            dims[inferred] = (int)(s.ElementCount / known);
        }
        var result = new Shape(dims);
        if (result.ElementCount != s.ElementCount) throw new ShapeException($"cannot reshape {s} to [{string.Join(",", target)}]");
        return result;
    }
}

public sealed partial class Squeeze(long[]? axes) : ReshapeLike
{
    public IReadOnlyList<long>? Axes { get; } = axes;
    public override string OpType => "Squeeze";

    public override Shape[] InferShapes(IReadOnlyList<Shape> inputs)
    {
        var s = inputs[0];
        var drop = new HashSet<int>();
        if (Axes is null)
        {
            for (int i = 0; i < s.Rank; i++) if (s[i] == 1) drop.Add(i);
        }
        else
            foreach (var a in Axes)
            {
                int axis = (int)(a < 0 ? a + s.Rank : a);
                if (axis < 0 || axis >= s.Rank || s[axis] != 1) throw new ShapeException($"cannot squeeze axis {a} of {s}");
                drop.Add(axis);
            }
        return One(new Shape(Enumerable.Range(0, s.Rank).Where(i => !drop.Contains(i)).Select(i => s[i]).ToArray()));
    }
}

public sealed partial class Unsqueeze(long[] axes) : ReshapeLike
{
    public IReadOnlyList<long> Axes { get; } = axes;
    public override string OpType => "Unsqueeze";

    public override Shape[] InferShapes(IReadOnlyList<Shape> inputs)
    {
        var s = inputs[0];
        int rank = s.Rank + Axes.Count;
        var inserted = new HashSet<int>();
        foreach (var a in Axes)
        {
            int axis = (int)(a < 0 ? a + rank : a);
            if (axis < 0 || axis >= rank || !inserted.Add(axis)) throw new ShapeException($"bad Unsqueeze axis {a} for {s}");
        }
        var dims = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) dims[i] = inserted.Contains(i) ? 1 : s[j++];
        return One(new Shape(dims));
    }
}

public sealed partial class Transpose(int[]? perm) : Operator
{
    public IReadOnlyList<int>? Perm { get; } = perm;
    public override string OpType => "Transpose";

    public override Shape[] InferShapes(IReadOnlyList<Shape> inputs) => One(Permuted(inputs[0], Resolve(inputs[0])));

    public override Tensor<T>[] Evaluate<T>(IReadOnlyList<Tensor<T>> inputs) => One(Apply(inputs[0], Resolve(inputs[0].Shape)));

    private int[] Resolve(Shape s)
    {
        var p = Perm?.ToArray() ?? Enumerable.Range(0, s.Rank).Reverse().ToArray();
        if (p.Length != s.Rank || p.Order().Where((v, i) => v != i).Any())
            throw new ShapeException($"Transpose perm [{string.Join(",", p)}] does not fit {s}");
        return p;
    }

    private static Shape Permuted(Shape s, int[] perm) => new(perm.Select(i => s[i]).ToArray());

    public static Tensor<T> Apply<T>(Tensor<T> x, int[] perm) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var s = x.Shape;
        var outShape = Permuted(s, perm);
        int rank = s.Rank;
        var inStrides = new int[rank];
        for (int i = rank - 1, st = 1; i >= 0; i--) { inStrides[i] = st; st *= s[i]; }
        var strides = perm.Select(p => inStrides[p]).ToArray();
        var y = new T[x.Data.Length];
        var idx = new int[rank];
        int src = 0;
        for (int k = 0; k < y.Length; k++)
        {
            y[k] = x.Data[src];
            for (int d = rank - 1; d >= 0; d--)
            {
                idx[d]++;
                src += strides[d];
                if (idx[d] < outShape[d]) break;
                src -= strides[d] * idx[d];
                idx[d] = 0;
            }
        }
        return new Tensor<T>(outShape, y);
    }
}
