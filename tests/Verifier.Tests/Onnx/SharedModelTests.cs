using Verifier.Core.Evaluation;
using Verifier.Formats;
using Verifier.Formats.Onnx;
using Verifier.Tests.Support;
using Xunit.Abstractions;

namespace Verifier.Tests.Onnx;

/// <summary>Every shared benchmark network evaluates as ONNX Runtime computes it.</summary>
public sealed class SharedModelTests(ITestOutputHelper output)
{
    public static TheoryData<string, int, float, float> Models()
    {
        var data = new TheoryData<string, int, float, float>();
        foreach (var f in Directory.GetFiles(SharedData.Benchmarks("acasxu", "onnx"), "*.onnx").Order()) data.Add(f, 20, -1, 1);
        foreach (var f in Directory.GetFiles(SharedData.Benchmarks("mnistfc", "onnx"), "*.onnx").Order()) data.Add(f, 50, 0, 1);
        data.Add(SharedData.Benchmarks("dlv", "twoDcurve.onnx"), 50, 0, 2 * MathF.PI);
        data.Add(SharedData.Benchmarks("dlv", "mnist_cnn.onnx"), 50, 0, 1);
        foreach (var f in Directory.GetFiles(SharedData.Benchmarks("verivital"), "*.onnx").Order()) data.Add(f, 20, 0, 1);
        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void MatchesOnnxRuntime(string path, int samples, float low, float high)
    {
        var report = Differential.Compare(path, samples, seed: 7, low, high);
        output.WriteLine($"{Path.GetFileName(path)}: {report}");
    }

    [Theory]
    [InlineData("acasxu/onnx/ACASXU_run2a_1_1_batch_2000.onnx")]
    [InlineData("mnistfc/onnx/mnist-net_256x2.onnx")]
    [InlineData("dlv/mnist_cnn.onnx")]
    public void ExportedCopyEvaluatesIdentically(string benchmark)
    {
        var graph = ModelLoader.Load(SharedData.Benchmarks(benchmark.Split('/')));
        using var temp = new TempDirectory();
        var path = temp.Path("exported.onnx");
        OnnxExporter.Write(graph, path);
        var copy = ModelLoader.Load(path);
        Assert.Equal(graph.ParameterCount, copy.ParameterCount);
        var random = new Random(4);
        for (int s = 0; s < 5; s++)
        {
            var x = Enumerable.Range(0, graph.InputShape.ElementCount).Select(_ => random.NextSingle()).ToArray();
            Assert.Equal(Evaluator.EvaluateFlat<float>(graph, x), Evaluator.EvaluateFlat<float>(copy, x));
        }
    }

    [Fact]
    public void TwoDCurveGivesTheReadmeReferenceOutput()
    {
        // dlv/README.md: the point of the DLV repository's main.py and its float64 outputs.
        var graph = ModelLoader.Load(SharedData.Benchmarks("dlv", "twoDcurve.onnx"));
        var y = Evaluator.EvaluateFlat<double>(graph, [3.58747339, 1.11101673]);
        Assert.Equal(0.00264695, y[0], 1e-8);
        Assert.Equal(0.99531292, y[1], 1e-8);
    }

    [Fact]
    public void SharedModelsAreAllCovered()
    {
        Assert.Equal(45, Directory.GetFiles(SharedData.Benchmarks("acasxu", "onnx"), "*.onnx").Length);
        Assert.Equal(3, Directory.GetFiles(SharedData.Benchmarks("mnistfc", "onnx"), "*.onnx").Length);
        Assert.Equal(2, Directory.GetFiles(SharedData.Benchmarks("verivital"), "*.onnx").Length);
    }
}
