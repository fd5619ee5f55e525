using System.Buffers.Binary;
using Verifier.Core.Errors;
using Verifier.Core.Tensors;
using Verifier.Formats.Onnx.Proto;
using DataType = Verifier.Formats.Onnx.Proto.TensorProto.Types.DataType;

namespace Verifier.Formats.Onnx;

/// <summary>
/// Turns ONNX tensors (initializers and tensor attributes) into constants: float32 stays float, integer types
/// become int64 (they only serve as shape arguments), other float types are reported. Malformed tensors
/// (counts that do not match the dims) throw; unsupported ones are collected as problems and give null.
/// </summary>
internal sealed class OnnxTensorReader(string path, ModelLoadOptions options, List<string> problems)
{
    private readonly OnnxExternalData _external = new(path, options);

    /// <summary>Checks the total number of weights against the limit before any of them is decoded.</summary>
    public void CheckParameterBudget(GraphProto graph)
    {
        long total = 0;
        var tensors = graph.Initializer.Concat(graph.Node.SelectMany(n => n.Attribute).Where(a => a.T is not null).Select(a => a.T));
        foreach (var t in tensors) total += ShapeOf(t).ElementCount; // each below 2^31: the sum cannot overflow a long
        if (total > options.ParameterLimit)
            throw new InputException(path, $"the model holds {total:N0} weights, more than {options.ParameterLimitText}");
    }

    public ConstantTensor? Read(TensorProto t, string what)
    {
        var shape = ShapeOf(t);
        var type = (DataType)t.DataType;
        int width = ElementBytes(type);
        if (width == 0)
        {
            problems.Add($"{what} has element type {type}; only float32 weights and integer shape arguments are supported");
            return null;
        }
        ReadOnlySpan<byte> raw;
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
        {
            var bytes = _external.Read(t, what, (long)shape.ElementCount * width, problems);
            if (bytes is null) return null;
            raw = bytes;
        }
        else raw = t.RawData.Span;
        bool isRaw = t.DataLocation == TensorProto.Types.DataLocation.External || !t.RawData.IsEmpty;
        if (isRaw && raw.Length != (long)shape.ElementCount * width)
            throw new InputException(path, $"{what} has {raw.Length} bytes of data, its shape {shape} needs {(long)shape.ElementCount * width}");
        return type == DataType.Float
            ? ConstantTensor.FromFloats(shape, isRaw ? DecodeFloats(raw) : Typed(t.FloatData, shape, what))
            : ConstantTensor.FromInts(shape, isRaw ? DecodeInts(raw, type) : TypedInts(t, type, shape, what));
    }

    private Shape ShapeOf(TensorProto t) => Shape.FromUntrusted(t.Dims, path, $"tensor '{t.Name}'");

    private static int ElementBytes(DataType type) => type switch
    {
        DataType.Float or DataType.Int32 or DataType.Uint32 => 4,
        DataType.Int64 or DataType.Uint64 => 8,
        DataType.Int16 or DataType.Uint16 => 2,
        DataType.Int8 or DataType.Uint8 or DataType.Bool => 1,
        _ => 0,
    };

    private static float[] DecodeFloats(ReadOnlySpan<byte> raw)
    {
        var values = new float[raw.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
        return values;
    }

    private long[] DecodeInts(ReadOnlySpan<byte> raw, DataType type)
    {
        int width = ElementBytes(type);
        var values = new long[raw.Length / width];
        for (int i = 0; i < values.Length; i++)
        {
            var b = raw[(width * i)..];
            values[i] = type switch
            {
                DataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(b),
                DataType.Uint64 => Unsigned(BinaryPrimitives.ReadUInt64LittleEndian(b)),
                DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(b),
                DataType.Uint32 => BinaryPrimitives.ReadUInt32LittleEndian(b),
                DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(b),
                DataType.Uint16 => BinaryPrimitives.ReadUInt16LittleEndian(b),
                DataType.Int8 => (sbyte)b[0],
                _ => b[0],
            };
        }
        return values;
    }

    private long[] TypedInts(TensorProto t, DataType type, Shape shape, string what) => type switch
    {
        DataType.Int64 => Typed(t.Int64Data, shape, what),
        DataType.Uint64 or DataType.Uint32 => Typed(t.Uint64Data, shape, what).Select(Unsigned).ToArray(),
        // int32_data carries every narrower integer type as well.
        _ => Typed(t.Int32Data, shape, what).Select(v => (long)v).ToArray(),
    };

    private long Unsigned(ulong v) => v <= long.MaxValue ? (long)v : throw new InputException(path, $"integer value {v} is out of range");

    private TValue[] Typed<TValue>(IReadOnlyCollection<TValue> values, Shape shape, string what)
    {
        if (values.Count != shape.ElementCount)
            throw new InputException(path, $"{what} has {values.Count} values, its shape {shape} needs {shape.ElementCount}");
        return values.ToArray();
    }
}
