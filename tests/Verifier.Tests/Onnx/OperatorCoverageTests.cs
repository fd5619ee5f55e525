using Verifier.Core.Evaluation;
using Verifier.Formats;
using Verifier.Formats.Onnx;
using Verifier.Tests.Support;
using Xunit.Abstractions;

namespace Verifier.Tests.Onnx;

/// <summary>
/// Every supported operator variant evaluates as ONNX Runtime computes it, and survives export: the exported
/// file is valid for ORT and, imported again, evaluates bit for bit as the original.
/// </summary>
public sealed class OperatorCoverageTests(ITestOutputHelper output) : IDisposable
{
    private readonly TemporaryDirectory _temp = new();
    private string Folder => _temp.Path;

    public static TheoryData<string> Cases() => new(OperatorModels.All.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesOnnxRuntimeAndRoundTrips(string name)
    {
        var path = OperatorModels.All[name]().Save(Folder, name + ".onnx");
        var report = Differential.Compare(path, samples: 5, seed: 3);
        output.WriteLine($"{name}: {report}");

        var graph = ModelLoader.Load(path);
        var exported = Path.Combine(Folder, name + ".exported.onnx");
        OnnxExporter.Write(graph, exported);
        Differential.Compare(exported, samples: 5, seed: 3);
        var reimported = ModelLoader.Load(exported);
        var random = new Random(11);
        for (int s = 0; s < 3; s++)
        {
            var x = Enumerable.Range(0, graph.InputShape.ElementCount).Select(_ => 2 * random.NextSingle() - 1).ToArray();
            Assert.Equal(Evaluator.EvaluateFlat<float>(graph, x), Evaluator.EvaluateFlat<float>(reimported, x));
            var xd = x.Select(v => (double)v).ToArray();
            Assert.Equal(Evaluator.EvaluateFlat<double>(graph, xd), Evaluator.EvaluateFlat<double>(reimported, xd));
        }
    }

    /// <summary>A symbolic batch is read as 1; evaluating a larger batch must still match ORT on that batch.</summary>
    [Theory]
    [InlineData("cnn")]
    [InlineData("reshape_zero_minus1")]
    [InlineData("softmax_opset13_axis1")]
    [InlineData("gemm_alpha_beta")]
    public void SymbolicBatchEvaluatesAsOrtDoes(string name)
    {
        const int batch = 4;
        var model = OperatorModels.All[name]().Build();
        model.Graph.Input[0].Type.TensorType.Shape.Dim[0] = new() { DimParam = "N" };
        var path = Path.Combine(Folder, name + ".batched.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(model));
        var graph = ModelLoader.Load(path);
        Assert.Equal(1, graph.InputShape[0]);
        var x = new OnnxModelBuilder(seed: 5).RandomValues([batch * graph.InputShape.ElementCount]);
        using var ort = new OrtModel(path);
        var (expected, _) = ort.Run(x, graph.InputShape.WithBatch(batch).ToArray());
        var actual = Evaluator.EvaluateBatch(graph, x, batch);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= Differential.Float.For(expected[i], 0), $"{name} output {i}: {actual[i]} vs ORT {expected[i]}");
    }

    [Fact]
    public void EveryRegisteredOperatorIsCovered()
    {
        var models = OperatorModels.All.Values.Select(m => m().Build()).ToList();
        var covered = models.SelectMany(m => m.Graph.Node.Select(n => n.OpType)).ToHashSet();
        var missing = Verifier.Core.Operators.OperatorRegistry.SupportedOpTypes.Except(covered).ToList();
        Assert.True(missing.Count == 0, "operators without a differential test: " + string.Join(", ", missing));
    }

    public void Dispose() => _temp.Dispose();
}
