using Google.Protobuf;
using Verifier.Core.Tensors;
using Verifier.Formats.Onnx;
using Verifier.Formats.Onnx.Proto;
using DataType = Verifier.Formats.Onnx.Proto.TensorProto.Types.DataType;

namespace Verifier.Tests.Onnx;

/// <summary>Builds small ONNX models in tests, straight from the protobuf classes.</summary>
internal sealed class OnnxModelBuilder(int opset = 13, int seed = 1)
{
    private readonly GraphProto _graph = new() { Name = "test" };
    private readonly Random _random = new(seed);

    public int Opset { get; } = opset;

    public OnnxModelBuilder Input(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        _graph.Input.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float, Shape = shape } },
        });
        return this;
    }

    public OnnxModelBuilder Output(string name)
    {
        _graph.Output.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float } },
        });
        return this;
    }

    public OnnxModelBuilder Initializer(TensorProto tensor)
    {
        _graph.Initializer.Add(tensor);
        return this;
    }

    /// <summary>Adds a float initializer of uniform random values in [low, high).</summary>
    public string Weights(string name, long[] dims, float low = -1, float high = 1)
    {
        Initializer(Floats(name, dims, RandomValues(dims, low, high)));
        return name;
    }

    public string Ints(string name, params long[] values)
    {
        Initializer(OnnxProtos.Tensor(name, ConstantTensor.FromInts(new Shape(values.Length), values)));
        return name;
    }

    public float[] RandomValues(long[] dims, float low = -1, float high = 1) =>
        Enumerable.Range(0, (int)dims.Aggregate(1L, (a, b) => a * b)).Select(_ => low + (high - low) * _random.NextSingle()).ToArray();

    public static TensorProto Floats(string name, long[] dims, float[] values) =>
        OnnxProtos.Tensor(name, ConstantTensor.FromFloats(new Shape(dims.Select(d => (int)d).ToArray()), values));

    public OnnxModelBuilder Node(string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType.ToLowerInvariant()}_{_graph.Node.Count}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return this;
    }

    public NodeProto LastNode => _graph.Node[^1];

    public ModelProto Build() => new()
    {
        IrVersion = Opset >= 18 ? 8 : Opset >= 13 ? 7 : 6,
        ProducerName = "verifier-tests",
        Graph = _graph.Clone(),
        OpsetImport = { new OperatorSetIdProto { Domain = "", Version = Opset } },
    };

    public string Save(string directory, string fileName)
    {
        var path = Path.Combine(directory, fileName);
        File.WriteAllBytes(path, Build().ToByteArray());
        return path;
    }
}
