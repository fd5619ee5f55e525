using Verifier.Core.Evaluation;
using Verifier.Formats;
using Verifier.Formats.Onnx;
using Xunit.Abstractions;

namespace Verifier.Tests.Onnx;

/// <summary>
/// Every supported operator variant evaluates as ONNX Runtime computes it, and survives export: the exported
/// file is valid for ORT and, imported again, evaluates bit for bit as the original.
/// </summary>
public sealed class OperatorCoverageTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("verifier-onnx-").FullName;

    public static TheoryData<string> Cases() => new(OperatorModels.All.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesOnnxRuntimeAndRoundTrips(string name)
    {
        var path = OperatorModels.All[name]().Save(_directory, name + ".onnx");
        var report = Differential.Compare(path, samples: 5, seed: 3);
        output.WriteLine($"{name}: {report}");

        var graph = ModelLoader.Load(path);
        var exported = Path.Combine(_directory, name + ".exported.onnx");
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

    [Fact]
    public void EveryRegisteredOperatorIsCovered()
    {
        var models = OperatorModels.All.Values.Select(m => m().Build()).ToList();
        var covered = models.SelectMany(m => m.Graph.Node.Select(n => n.OpType)).ToHashSet();
        var missing = Verifier.Core.Operators.OperatorRegistry.SupportedOpTypes.Except(covered).ToList();
        Assert.True(missing.Count == 0, "operators without a differential test: " + string.Join(", ", missing));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
