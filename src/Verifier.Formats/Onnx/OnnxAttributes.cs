using Verifier.Core.Operators;
using Verifier.Formats.Onnx.Proto;
using AttributeType = Verifier.Formats.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace Verifier.Formats.Onnx;

/// <summary>ONNX attributes as the operator registry sees them.</summary>
internal static class OnnxAttributes
{
    /// <summary>The attribute's value, or null after reporting why it cannot be used.</summary>
    public static AttributeValue? Convert(AttributeProto a, string where, OnnxTensorReader tensors, List<string> problems)
    {
        switch (TypeOf(a))
        {
            case AttributeType.Float: return new(AttributeKind.Float) { Float = a.F };
            case AttributeType.Int: return new(AttributeKind.Int) { Int = a.I };
            case AttributeType.String: return new(AttributeKind.String) { String = a.S.ToStringUtf8() };
            case AttributeType.Floats: return new(AttributeKind.Floats) { Floats = a.Floats.ToArray() };
            case AttributeType.Ints: return new(AttributeKind.Ints) { Ints = a.Ints.ToArray() };
            case AttributeType.Strings: return new(AttributeKind.Strings);
            case AttributeType.Tensor when a.T is null:
                problems.Add($"{where}: tensor attribute '{a.Name}' holds no tensor");
                return null;
            case AttributeType.Tensor:
                var tensor = tensors.Read(a.T, $"{where}: tensor attribute '{a.Name}'");
                return tensor is null ? null : new(AttributeKind.Tensor) { Tensor = tensor };
            case AttributeType.Graph or AttributeType.Graphs:
                problems.Add($"{where}: subgraph attribute '{a.Name}' (control flow) is not supported");
                return null;
            default: return new(AttributeKind.Other);
        }
    }

    /// <summary>The declared type; files from before IR 2 leave it out, so it is inferred from the field set.</summary>
    private static AttributeType TypeOf(AttributeProto a) =>
        a.Type != AttributeType.Undefined ? a.Type :
        a.T is not null ? AttributeType.Tensor :
        a.G is not null ? AttributeType.Graph :
        a.Floats.Count > 0 ? AttributeType.Floats :
        a.Ints.Count > 0 ? AttributeType.Ints :
        a.Strings.Count > 0 ? AttributeType.Strings :
        !a.S.IsEmpty ? AttributeType.String :
        a.F != 0 ? AttributeType.Float :
        AttributeType.Int;
}
