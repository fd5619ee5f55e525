using System.Buffers.Binary;
using Google.Protobuf;
using Verifier.Core.Tensors;
using Verifier.Formats.Onnx.Proto;
using AttributeType = Verifier.Formats.Onnx.Proto.AttributeProto.Types.AttributeType;
using DataType = Verifier.Formats.Onnx.Proto.TensorProto.Types.DataType;

namespace Verifier.Formats.Onnx;

/// <summary>Small constructors for ONNX protobuf messages (used by the exporter and by tools that build models).</summary>
public static class OnnxProtos
{
    public static TensorProto Tensor(string name, ConstantTensor value)
    {
        var t = new TensorProto { Name = name, DataType = (int)(value.IsInteger ? DataType.Int64 : DataType.Float) };
        t.Dims.AddRange(value.Shape.ToArray().Select(d => (long)d));
        if (value.IsInteger) t.Int64Data.AddRange(value.Ints!);
        else
        {
            var bytes = new byte[4 * value.Floats!.Length];
            for (int i = 0; i < value.Floats.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), value.Floats[i]);
            t.RawData = ByteString.CopyFrom(bytes);
        }
        return t;
    }

    public static AttributeProto Attribute(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };
    public static AttributeProto Attribute(string name, float value) => new() { Name = name, Type = AttributeType.Float, F = value };
    public static AttributeProto Attribute(string name, string value) => new() { Name = name, Type = AttributeType.String, S = ByteString.CopyFromUtf8(value) };
    public static AttributeProto Attribute(string name, IEnumerable<long> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Attribute(string name, IEnumerable<float> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    public static AttributeProto Attribute(string name, TensorProto value) => new() { Name = name, Type = AttributeType.Tensor, T = value };
}
