using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;
using Verifier.Formats.Onnx.Proto;
using DataType = Verifier.Formats.Onnx.Proto.TensorProto.Types.DataType;

namespace Verifier.Formats.Onnx;

/// <summary>
/// Writes a network as ONNX (opset 13, IR 7) such that importing it again evaluates identically: weights are
/// written from the operators themselves, in the layout the importer reads back without arithmetic.
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 13, IrVersion = 7;

    public static void Write(NetworkGraph graph, string path) => OnnxFile.WriteAtomically(ToModel(graph), path);

    public static ModelProto ToModel(NetworkGraph graph)
    {
        var writer = new OnnxGraphWriter(graph);
        foreach (var node in graph.Nodes) writer.Add(node);
        var proto = writer.Graph;
        proto.Input.AddRange(graph.InputNames.Select(n => ValueInfo(n, graph.Shapes[n])));
        proto.Output.AddRange(graph.OutputNames.Select(n => ValueInfo(n, graph.Shapes[n])));
        return new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "verifier",
            Graph = proto,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = Opset } },
        };
    }

    private static ValueInfoProto ValueInfo(string name, Shape shape)
    {
        var dims = new TensorShapeProto();
        foreach (var d in shape.Dims) dims.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float, Shape = dims } },
        };
    }
}
