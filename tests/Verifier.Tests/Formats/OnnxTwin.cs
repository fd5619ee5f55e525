using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Verifier.Formats.Onnx.Proto;

namespace Verifier.Tests.Formats;

/// <summary>
/// A single-input, single-output ONNX model written node by node in a test and run through ONNX Runtime,
/// as an independent reference for importers of other formats.
/// </summary>
internal sealed class OnnxTwin
{
    private readonly GraphProto _graph = new() { Name = "twin" };
    private readonly int[] _inputShape;
    private string _last = "input";

    public OnnxTwin(params int[] inputShape)
    {
        _inputShape = inputShape;
        _graph.Input.Add(ValueInfo("input", inputShape));
    }

    /// <summary>Appends a node reading the previous node's output and the given initializers.</summary>
    public OnnxTwin Node(string opType, string[] initializers, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"n{_graph.Node.Count}" };
        node.Input.Add(_last);
        node.Input.Add(initializers);
        node.Output.Add(_last = $"v{_graph.Node.Count}");
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
        return this;
    }

    public OnnxTwin Node(string opType, params AttributeProto[] attributes) => Node(opType, [], attributes);

    public string Initializer(float[] values, params long[] dims)
    {
        var t = new TensorProto { Name = $"w{_graph.Initializer.Count}", DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.Add(dims);
        t.FloatData.Add(values);
        _graph.Initializer.Add(t);
        return t.Name;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>Runs the model on one input (flattened row-major) and returns the flattened output.</summary>
    public float[] Run(float[] input)
    {
        var model = new ModelProto { IrVersion = 8, Graph = _graph.Clone() };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        model.Graph.Output.Add(new ValueInfoProto
        {
            Name = _last,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
        });
        using var session = new InferenceSession(model.ToByteArray());
        var tensor = new DenseTensor<float>(input, _inputShape);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", tensor)]);
        return results[0].AsEnumerable<float>().ToArray();
    }

    private static ValueInfoProto ValueInfo(string name, int[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (var d in shape) tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape } },
        };
    }
}
