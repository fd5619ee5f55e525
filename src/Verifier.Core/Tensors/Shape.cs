using Verifier.Core.Errors;

namespace Verifier.Core.Tensors;

/// <summary>An immutable tensor shape (row-major). Element counts are checked for overflow.</summary>
public sealed class Shape : IEquatable<Shape>
{
    /// <summary>Upper bound on the elements of one tensor; larger shapes are rejected before allocation.</summary>
    public const long MaxElements = int.MaxValue;

    private readonly int[] _dims;

    public Shape(params int[] dims)
    {
        foreach (var d in dims)
            if (d < 0) throw new ArgumentException($"negative dimension in {Format(dims)}");
        _dims = (int[])dims.Clone();
        long n = 1;
        foreach (var d in _dims)
        {
            n *= d;
            if (n > MaxElements) throw new ArgumentException($"shape {Format(dims)} has more than {MaxElements} elements");
        }
        ElementCount = (int)n;
    }

    /// <summary>Builds a shape from file-supplied dimensions, reporting problems against <paramref name="source"/>.</summary>
    public static Shape FromUntrusted(IEnumerable<long> dims, string source, string what)
    {
        var list = new List<int>();
        long n = 1;
        foreach (var d in dims)
        {
            if (d < 0 || d > int.MaxValue) throw new InputException(source, $"{what}: dimension {d} is out of range");
            n = d == 0 ? 0 : (n > MaxElements / d ? MaxElements + 1 : n * d);
            if (n > MaxElements) throw new InputException(source, $"{what}: more than {MaxElements} elements");
            list.Add((int)d);
        }
        return new Shape(list.ToArray());
    }

    public static readonly Shape Scalar = new();

    public int Rank => _dims.Length;
    public int ElementCount { get; }
    public int this[int axis] => _dims[axis];
    public ReadOnlySpan<int> Dims => _dims;
    public int[] ToArray() => (int[])_dims.Clone();

    /// <summary>Normalises a possibly negative axis against this rank.</summary>
    public int Axis(int axis, int extra = 0)
    {
        int r = Rank + extra;
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) throw new ArgumentOutOfRangeException(nameof(axis), $"axis {axis} out of range for rank {r}");
        return a;
    }

    /// <summary>Product of dims in [from, to).</summary>
    public int Product(int from, int to)
    {
        int p = 1;
        for (int i = from; i < to; i++) p *= _dims[i];
        return p;
    }

    /// <summary>Same shape with the leading (batch) dimension replaced.</summary>
    public Shape WithBatch(int batch)
    {
        var d = ToArray();
        d[0] = batch;
        return new Shape(d);
    }

    public bool Equals(Shape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);
    public override bool Equals(object? obj) => Equals(obj as Shape);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in _dims) h.Add(d);
        return h.ToHashCode();
    }

    public override string ToString() => Format(_dims);
    private static string Format(int[] dims) => "[" + string.Join(",", dims) + "]";
}
