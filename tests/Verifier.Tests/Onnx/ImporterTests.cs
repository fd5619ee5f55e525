using Google.Protobuf;
using Verifier.Core.Errors;
using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;
using Verifier.Formats;
using Verifier.Formats.Onnx;
using Verifier.Formats.Onnx.Proto;
using Verifier.Tests.Support;
using static Verifier.Formats.Onnx.OnnxProtos;

namespace Verifier.Tests.Onnx;

/// <summary>Importer and exporter details the differential tests do not reach.</summary>
public sealed class ImporterTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();
    private string Folder => _temp.Path;

    [Fact]
    public void OldIrInitializersListedAsInputsAreConstants()
    {
        var graph = ModelLoader.Load(SharedData.Benchmarks("acasxu", "onnx", "ACASXU_run2a_1_1_batch_2000.onnx"));
        Assert.Equal(["input"], graph.InputNames);
        Assert.Equal(new Shape(1, 1, 1, 5), graph.InputShape);
        Assert.Equal(new Shape(1, 5), graph.OutputShape);
        Assert.Equal(5 * 50 + 5 * 50 * 50 + 50 * 5 + 6 * 50 + 5 + 5, graph.ParameterCount);
    }

    [Fact]
    public void TypedAndRawTensorsAndInt32ShapesAgree()
    {
        var values = new OnnxModelBuilder(seed: 9).RandomValues([3, 4]);
        var typed = new TensorProto { Name = "W", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 3, 4 } };
        typed.FloatData.Add(values);
        var shape = new TensorProto { Name = "s", DataType = (int)TensorProto.Types.DataType.Int32, Dims = { 2 }, Int32Data = { 1, -1 } };
        var b = new OnnxModelBuilder().Input("x", 1, 2, 2).Initializer(typed).Initializer(shape)
            .Node("Reshape", ["x", "s"], ["f"]).Node("Gemm", ["f", "W"], ["y"], Attribute("transB", 1)).Output("y");
        var graph = ModelLoader.Load(b.Save(Folder, "typed.onnx"));
        Assert.Equal(values, graph.Constants["W"].Floats);
        Assert.Equal([1L, -1L], graph.Constants["s"].Ints!);
        Assert.Equal(new Shape(1, 3), graph.OutputShape);
    }

    [Fact]
    public void LegacyOpsetsAreReadWhereTheyAgree()
    {
        var plain = new OnnxModelBuilder(opset: 6).Input("x", 1, 4).Node("Relu", ["x"], ["y"], Attribute("consumed_inputs", new long[] { 0 })).Output("y");
        Assert.Equal("Relu", ModelLoader.Load(plain.Save(Folder, "legacy.onnx")).Nodes.Single().Operator.OpType);

        var b = new OnnxModelBuilder(opset: 6).Input("x", 1, 3, 4);
        b.Node("Add", ["x", b.Weights("c", [3])], ["y"], Attribute("broadcast", 1), Attribute("axis", 1)).Output("y");
        var e = Assert.Throws<UnsupportedModelException>(() => ModelLoader.Load(b.Save(Folder, "legacy_axis.onnx")));
        Assert.True(e.Problems.Count == 1, e.Message);
        Assert.Contains("legacy broadcast", e.Problems[0]);
    }

    [Fact]
    public void UnnamedNodesAreNamedByPosition()
    {
        var model = new OnnxModelBuilder().Input("x", 1, 4).Node("Relu", ["x"], ["a"]).Node("Mystery", ["a"], ["y"]).Output("y").Build();
        foreach (var n in model.Graph.Node) n.Name = "";
        var path = Path.Combine(Folder, "unnamed.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        var e = Assert.Throws<UnsupportedModelException>(() => ModelLoader.Load(path));
        Assert.StartsWith("Mystery node '#1'", e.Problems.Single());
    }

    [Fact]
    public void ExportReplacesTheFileAtomically()
    {
        var path = Path.Combine(Folder, "out.onnx");
        File.WriteAllText(path, "old content");
        var graph = ModelLoader.Load(OperatorModels.All["gemm_transB"]().Save(Folder, "in.onnx"));
        OnnxExporter.Write(graph, path);
        Assert.Equal(["in.onnx", "out.onnx"], Directory.GetFiles(Folder).Select(Path.GetFileName).Order());
        Assert.Equal(graph.OutputShape, ModelLoader.Load(path).OutputShape);
    }

    [Fact]
    public void ExportOfAnOperatorWithoutWriterFailsWithoutWriting()
    {
        var graph = new NetworkGraphBuilder("engine", "engine").AddInput("x", new Shape(1, 2))
            .AddNode(new Node("odd", new UnexportableOperator(), ["x"], ["y"])).AddOutput("y").Build();
        var path = Path.Combine(Folder, "odd.onnx");
        Assert.Throws<NotSupportedException>(() => OnnxExporter.Write(graph, path));
        Assert.Empty(Directory.GetFiles(Folder));
    }

    private sealed class UnexportableOperator : Operator
    {
        public override string OpType => "Odd";
        public override Shape[] InferShapes(IReadOnlyList<Shape> inputs) => One(inputs[0]);
        public override Tensor<T>[] Evaluate<T>(IReadOnlyList<Tensor<T>> inputs) => One(inputs[0]);
    }

    public void Dispose() => _temp.Dispose();
}
