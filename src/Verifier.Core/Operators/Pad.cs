using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

/// <summary>What Pad writes outside the input: the pad value, the nearest edge element, or the mirror image.</summary>
public enum PadMode { Constant, Reflect, Edge }

/// <summary>
/// ONNX Pad. Every output element copies one input element or, in constant mode, is the pad value, so
/// evaluation, bounds, encoding and gradient all read one <see cref="PadSources"/> map. Negative pads crop.
/// </summary>
public sealed partial class Pad(long[] pads, long[]? axes, float value, PadMode mode) : Operator
{
    private PadSources? _last;

    /// <summary>The begin pads of the padded axes, then their end pads (ONNX's layout).</summary>
    public IReadOnlyList<long> Pads { get; } = pads;

    /// <summary>The padded axes (opset 18), or null for every axis.</summary>
    public IReadOnlyList<long>? Axes { get; } = axes;

    public float Value { get; } = value;
    public PadMode Mode { get; } = mode;
    public override string OpType => "Pad";
    public override IReadOnlyList<int> ConstantInputs => [1, 2, 3];

    public override Shape[] InferShapes(IReadOnlyList<Shape> inputs) => One(Sources(inputs[0]).Output);

    public override Tensor<T>[] Evaluate<T>(IReadOnlyList<Tensor<T>> inputs)
    {
        var x = inputs[0];
        var map = Sources(x.Shape);
        var pad = T.CreateChecked(Value);
        var y = new T[map.Index.Length];
        for (int k = 0; k < y.Length; k++) y[k] = map.Index[k] < 0 ? pad : x.Data[map.Index[k]];
        return One(new Tensor<T>(map.Output, y));
    }

    /// <summary>The begin and end pad of every axis of a rank-<paramref name="rank"/> input.</summary>
    public (long[] Begin, long[] End) PerAxis(int rank)
    {
        var axes = Axes?.Select(a => a < 0 ? a + rank : a).ToArray() ?? Enumerable.Range(0, rank).Select(a => (long)a).ToArray();
        if (Pads.Count != 2 * axes.Length)
            throw new ShapeException($"Pad has {Pads.Count} pads, a rank-{rank} input padded on {axes.Length} axes needs {2 * axes.Length}");
        var (begin, end) = (new long[rank], new long[rank]);
        var seen = new HashSet<long>();
        for (int i = 0; i < axes.Length; i++)
        {
            if (axes[i] < 0 || axes[i] >= rank || !seen.Add(axes[i])) throw new ShapeException($"Pad axis {Axes![i]} is out of range or repeated for rank {rank}");
            (begin[axes[i]], end[axes[i]]) = (Pads[i], Pads[i + axes.Length]);
        }
        return (begin, end);
    }

    /// <summary>The output shape and, per output element, the flat input index it copies (-1: the pad value).</summary>
    public PadSources Sources(Shape input)
    {
        if (_last is { } last && last.Input.Equals(input)) return last;
        var (begin, end) = PerAxis(input.Rank);
        var dims = new int[input.Rank];
        long count = 1;
        int[] index = [0];
        for (int d = 0; d < input.Rank; d++)
        {
            long size = input[d] + begin[d] + end[d];
            count *= Math.Max(size, 0);
            if (size < 1 || count > Shape.MaxElements)
                throw new ShapeException($"Pad of axis {d} by [{begin[d]}, {end[d]}] gives {size} elements (input {input}, output limit {Shape.MaxElements} elements)");
            dims[d] = (int)size;
            // Row-major flat indices grow one axis at a time: index * dim + coordinate.
            var axis = AxisSources(input[d], begin[d], end[d], d);
            var next = new int[index.Length * axis.Length];
            for (int i = 0; i < index.Length; i++)
                for (int o = 0; o < axis.Length; o++)
                    next[i * axis.Length + o] = index[i] < 0 || axis[o] < 0 ? -1 : index[i] * input[d] + axis[o];
            index = next;
        }
        return _last = new PadSources(input, new Shape(dims), index);
    }

    /// <summary>For each output coordinate of one axis, the input coordinate it copies, or -1.</summary>
    private int[] AxisSources(int dim, long begin, long end, int axis)
    {
        if (Mode != PadMode.Constant && (begin < 0 || end < 0 || (dim == 0 && begin + end > 0)))
            throw new ShapeException($"Pad mode {Mode} cannot pad axis {axis} of {dim} elements by [{begin}, {end}]");
        if (Mode == PadMode.Reflect && Math.Max(begin, end) > dim - 1)
            throw new ShapeException($"Pad mode Reflect needs pads below the axis size, axis {axis} has {dim} elements, pads [{begin}, {end}]");
        var result = new int[dim + begin + end];
        for (int o = 0; o < result.Length; o++)
        {
            long i = o - begin;
            result[o] = i >= 0 && i < dim ? (int)i : Mode switch
            {
                PadMode.Edge => i < 0 ? 0 : dim - 1,
                PadMode.Reflect => (int)(i < 0 ? -i : 2L * (dim - 1) - i),
                _ => -1,
            };
        }
        return result;
    }
}

/// <summary>Pad's gather for one input shape: output element k copies input element Index[k], or the pad value when -1.</summary>
public sealed record PadSources(Shape Input, Shape Output, int[] Index);
