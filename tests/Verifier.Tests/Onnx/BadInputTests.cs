using Google.Protobuf;
using Verifier.Core.Errors;
using Verifier.Formats;
using Verifier.Formats.Onnx;
using Verifier.Formats.Onnx.Proto;
using Verifier.Tests.Support;
using static Verifier.Formats.Onnx.OnnxProtos;

namespace Verifier.Tests.Onnx;

/// <summary>Malformed, hostile or unsupported ONNX files give an InputException naming the file, never a crash.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private string Folder => _temp.Root;
    private static readonly string Mnist = SharedData.Benchmarks("mnistfc", "onnx", "mnist-net_256x2.onnx");

    [Fact]
    public void MissingFile() => Rejected(Path.Combine(Folder, "absent.onnx"), "file not found");

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.97)]
    public void TruncatedFile(double fraction)
    {
        var bytes = File.ReadAllBytes(Mnist);
        Rejected(Write("truncated.onnx", bytes[..(int)(bytes.Length * fraction)]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void GarbageBytes(int seed)
    {
        var bytes = new byte[4096];
        new Random(seed).NextBytes(bytes);
        Rejected(Write("garbage.onnx", bytes), "not a valid ONNX protobuf");
    }

    /// <summary>
    /// Random byte edits of valid models load or are rejected as bad input; nothing else escapes. (Run with
    /// 40,000 edits while writing the importer: it found two crashes, now fixed.)
    /// </summary>
    [Fact]
    public void MutatedModelsNeverCrash()
    {
        var random = new Random(18);
        var path = Path.Combine(Folder, "mutated.onnx");
        var originals = OperatorModels.All.Values.Select(m => m().Build().ToByteArray()).ToList();
        for (int trial = 0; trial < 600; trial++)
        {
            var original = originals[trial % originals.Count];
            var bytes = original.ToList();
            for (int edits = 1 + random.Next(3); edits > 0; edits--)
            {
                int at = random.Next(bytes.Count);
                switch (random.Next(3))
                {
                    case 0: bytes[at] = (byte)random.Next(256); break;
                    case 1: bytes.RemoveAt(at); break;
                    default: bytes.Insert(at, (byte)random.Next(256)); break;
                }
            }
            File.WriteAllBytes(path, bytes.ToArray());
            try { ModelLoader.Load(path); }
            catch (InputException e) { Assert.StartsWith(path + ": ", e.Message); }
        }
    }

    [Fact]
    public void FileLargerThanTheLimit() =>
        Rejected(Write("big.onnx", File.ReadAllBytes(Mnist)), "limit", new ModelLoadOptions { MaxFileBytes = 1000 });

    [Fact]
    public void MoreParametersThanTheLimit() =>
        Rejected(Write("params.onnx", File.ReadAllBytes(Mnist)), "weights, more than the limit of 10,000 weights", new ModelLoadOptions { MaxParameters = 10_000 });

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void NonFiniteWeights(float bad)
    {
        var weights = Enumerable.Repeat(0.5f, 12).ToArray();
        weights[7] = bad;
        var b = new OnnxModelBuilder().Input("x", 1, 4).Initializer(OnnxModelBuilder.Floats("W", [3, 4], weights))
            .Node("Gemm", ["x", "W"], ["y"], Attribute("transB", 1)).Output("y");
        Rejected(b.Save(Folder, "nan.onnx"), "element 7");
    }

    [Fact]
    public void ShapeMismatch()
    {
        var b = new OnnxModelBuilder().Input("x", 1, 4);
        b.Node("Gemm", ["x", b.Weights("W", [3, 5])], ["y"], Attribute("transB", 1)).Output("y");
        Rejected(b.Save(Folder, "shape.onnx"), "shape mismatch");
    }

    [Fact]
    public void ValueCountDoesNotMatchDims()
    {
        var t = OnnxModelBuilder.Floats("W", [3, 4], new float[12]);
        t.Dims[1] = 5;
        var b = new OnnxModelBuilder().Input("x", 1, 5).Initializer(t).Node("Gemm", ["x", "W"], ["y"], Attribute("transB", 1)).Output("y");
        Rejected(b.Save(Folder, "count.onnx"), "needs 60");
    }

    [Fact]
    public void Cycle()
    {
        var b = new OnnxModelBuilder().Input("x", 1, 4)
            .Node("Add", ["x", "b"], ["a"]).Node("Relu", ["a"], ["b"]).Output("a");
        Rejected(b.Save(Folder, "cycle.onnx"), "cycle");
    }

    [Fact]
    public void AllUnsupportedConstructsAreListedTogether()
    {
        var b = new OnnxModelBuilder().Input("x", 1, 2, 5, 5);
        b.Node("FancyOp", ["x"], ["a"]).Node("OtherOp", ["a"], ["c"])
            .Node("Conv", ["c", b.Weights("W", [2, 1, 3, 3])], ["y"], Attribute("group", 2)).Output("y");
        var e = Assert.IsType<UnsupportedModelException>(Rejected(b.Save(Folder, "unsupported.onnx"), "FancyOp"));
        Assert.Equal(3, e.Problems.Count);
        Assert.Contains(e.Problems, p => p.Contains("OtherOp") && p.Contains("not supported"));
        Assert.Contains(e.Problems, p => p.Contains("Conv") && p.Contains("group=2"));
    }

    [Fact]
    public void UnknownAttribute()
    {
        var b = new OnnxModelBuilder().Input("x", 1, 4).Node("Relu", ["x"], ["y"], Attribute("flavour", 3)).Output("y");
        Rejected(b.Save(Folder, "attribute.onnx"), "attribute 'flavour' is not supported");
    }

    [Fact]
    public void OtherDomainsFunctionsSubgraphsAndTypes()
    {
        var b = new OnnxModelBuilder().Input("x", 1, 4);
        b.Node("Gelu", ["x"], ["a"]).LastNode.Domain = "com.microsoft";
        b.Node("If", ["a"], ["y"], new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = new GraphProto() });
        b.Initializer(new TensorProto { Name = "d", DataType = (int)TensorProto.Types.DataType.Double, Dims = { 1 }, DoubleData = { 1.0 } });
        b.Node("Add", ["a", "d"], ["z"]).Output("y");
        var model = b.Build();
        model.Functions.Add(new FunctionProto { Name = "helper" });
        model.Graph.SparseInitializer.Add(new SparseTensorProto());
        var path = Write("constructs.onnx", model.ToByteArray());
        var e = Assert.IsType<UnsupportedModelException>(Rejected(path, "com.microsoft"));
        Assert.Contains(e.Problems, p => p.Contains("subgraph"));
        Assert.Contains(e.Problems, p => p.Contains("Double"));
        Assert.Contains(e.Problems, p => p.Contains("functions"));
        Assert.Contains(e.Problems, p => p.Contains("sparse"));
    }

    [Fact]
    public void IntegerInputAndNewerOpset()
    {
        var model = new OnnxModelBuilder(opset: 22).Input("x", 1, 4).Node("Relu", ["x"], ["y"]).Output("y").Build();
        model.Graph.Input[0].Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Int64;
        var e = Assert.IsType<UnsupportedModelException>(Rejected(Write("types.onnx", model.ToByteArray()), "opset 22"));
        Assert.Contains(e.Problems, p => p.Contains("only float32 inputs"));
    }

    [Fact]
    public void ExternalDataIsRejectedByDefault()
    {
        var path = ExternalModel("weights.bin");
        File.WriteAllBytes(Path.Combine(Folder, "weights.bin"), new byte[48]);
        Rejected(path, "external data");
    }

    [Fact]
    public void ExternalDataIsReadFromTheAllowedDirectory()
    {
        var values = Enumerable.Range(0, 12).Select(i => i * 0.25f).ToArray();
        File.WriteAllBytes(Path.Combine(Folder, "weights.bin"), [.. new byte[8], .. values.SelectMany(BitConverter.GetBytes)]);
        var graph = OnnxImporter.Load(ExternalModel("weights.bin", offset: 8), new ModelLoadOptions { ExternalDataDirectory = Folder });
        Assert.Equal(values, graph.Constants["W"].Floats);
    }

    [Theory]
    [InlineData("../outside.bin")]
    [InlineData("/etc/passwd")]
    [InlineData("link.bin")]
    public void ExternalDataCannotEscapeTheAllowedDirectory(string location)
    {
        var allowed = Directory.CreateDirectory(Path.Combine(Folder, "allowed")).FullName;
        File.WriteAllBytes(Path.Combine(Folder, "outside.bin"), new byte[48]);
        File.CreateSymbolicLink(Path.Combine(allowed, "link.bin"), Path.Combine(Folder, "outside.bin"));
        Rejected(ExternalModel(location), "external data", new ModelLoadOptions { ExternalDataDirectory = allowed });
    }

    private string ExternalModel(string location, long offset = 0)
    {
        var t = new TensorProto { Name = "W", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 3, 4 }, DataLocation = TensorProto.Types.DataLocation.External };
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString() });
        var b = new OnnxModelBuilder().Input("x", 1, 4).Initializer(t).Node("Gemm", ["x", "W"], ["y"], Attribute("transB", 1)).Output("y");
        return b.Save(Folder, "external.onnx");
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static InputException Rejected(string path, string fragment = "", ModelLoadOptions? options = null)
    {
        var e = Assert.ThrowsAny<InputException>(() => ModelLoader.Load(path, options));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(fragment, e.Message);
        return e;
    }

    public void Dispose() => _temp.Dispose();
}
