using Verifier.Compute.Attacks;
using Verifier.Compute.Backends;
using Verifier.Compute.Training;
using Verifier.Core.Errors;
using Verifier.Core.Operators;
using Verifier.Core.Results;
using Verifier.Core.Tensors;
using Verifier.Formats;
using Verifier.Formats.Onnx;
using Verifier.Gate.Running;
using Verifier.Reports.Model;
using Verifier.Tests.Attacks;
using Verifier.Tests.Support;

namespace Verifier.Tests.Compute;

public sealed class FineTuningTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Sequential Trained(string spec, int samples, int epochs, int seed = 1)
    {
        var model = Sequential.Create(new CpuBackend(), [1, 8, 8], LayerSpec.ParseList(spec), 64, seed);
        Trainer.Train(model, TrainingTests.Synthetic(samples, seed), new TrainingOptions(epochs, 32, seed));
        return model;
    }

    [Theory]
    [InlineData("conv:4:3:1:1,relu,maxpool:2,conv:3:2:2,relu,flatten,dense:2")]
    [InlineData("dense:16,relu,dense:8,relu,dense:2")]
    public void AnExportedModelImportsBackBitForBit(string spec)
    {
        using var model = Trained(spec, 64, 1);
        var path = _temp.Path("model.onnx");
        OnnxExporter.Write(GraphExport.ToGraph(model), path);
        using var imported = GraphImport.ToSequential(ModelLoader.Load(path), new CpuBackend(), 64);
        var data = TrainingTests.Synthetic(40, 9);
        Assert.Equal(model.Layers.Select(l => l.OutputShape), imported.Layers.Select(l => l.OutputShape));
        Assert.Equal(model.Predict(data.Features, data.Count), imported.Predict(data.Features, data.Count));
    }

    /// <summary>The VNN-COMP MNIST network: a leading Flatten of a (1, 784, 1) input, then Gemm and Relu nodes.</summary>
    [Fact]
    public void AVnnCompNetworkImportsAndComputesWhatTheGraphComputes()
    {
        var graph = ModelLoader.Load(SharedData.Benchmarks("mnistfc", "onnx", "mnist-net_256x2.onnx"));
        using var model = GraphImport.ToSequential(graph, new CpuBackend(), 16);
        Assert.Equal([784], model.InputShape);
        var inputs = Enumerable.Range(0, 5 * 784).Select(i => (float)((i * 7919 % 256) / 255.0)).ToArray();
        var expected = Verifier.Core.Evaluation.Evaluator.EvaluateBatch(graph, inputs, 5);
        var actual = model.Predict(inputs, 5);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-4);
    }

    [Fact]
    public void MatMulWithAddAndGemmScalarsFoldIntoDenseLayers()
    {
        var net = new TestNetworks(new Shape(1, 4), 3);
        var bias = net.Random(5);
        net.Then(new MatMul(net.Random(5, 4), false)).Then(new BinaryOperator(BinaryKind.Add), bias).Then(new Relu())
           .Then(new Gemm(net.Random(3, 5), net.Random(1, 3), 0.5f, 2f, false));
        var graph = net.Build();
        using var model = GraphImport.ToSequential(graph, new CpuBackend(), 8);
        var inputs = Enumerable.Range(0, 24).Select(i => (float)Math.Sin(i)).ToArray();
        var expected = Verifier.Core.Evaluation.Evaluator.EvaluateBatch(graph, inputs, 6);
        var actual = model.Predict(inputs, 6);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-5);
    }

    [Fact]
    public void GraphsTheEngineCannotTrainAreInputErrorsNamingTheNode()
    {
        var net = new TestNetworks(new Shape(1, 4), 3);
        net.Then(new Gemm(net.Random(3, 4), null, 1f, 1f, false)).Then(new Sigmoid());
        var e = Assert.Throws<InputException>(() => GraphImport.ToSequential(net.Build(), new CpuBackend(), 8));
        Assert.Contains("Sigmoid", e.Message);
        Assert.Throws<InputException>(() => GraphImport.ToSequential(new TestNetworks(new Shape(1, 4), 0).Then(new Relu()).Build(), new CpuBackend(), 8));
    }

    /// <summary>PGD examples the model gets wrong, written by the gate's exporter with their true labels.</summary>
    private string ExportedCounterexamples(Sequential model, LabelledData images, double eps)
    {
        var graph = GraphExport.ToGraph(model);
        var attack = Pgd.Run(graph, images.Features, images.Labels, new AttackOptions(eps) { Steps = 20 });
        var directory = _temp.Path("export");
        var exporter = new CounterexampleExporter(directory);
        for (int i = 0; i < images.Count; i++)
        {
            if (attack.Adversarial[i] is not { } example) continue;
            var input = example.Select(v => (double)v).ToArray();
            var output = Verifier.Core.Evaluation.Evaluator.EvaluateFlat<float>(graph, example).Select(v => (double)v).ToArray();
            var original = images.Features.AsSpan(i * 64, 64).ToArray().Select(v => (double)v).ToArray();
            var job = new PropertyJob($"image-{i}", "robustness", null, eps, i, images.Labels[i], original, 8, 8);
            exporter.Export(job, new Witness(input, output, output, 0, 0), new WitnessReport(input, output, 1 - images.Labels[i], eps, null, null), null);
        }
        exporter.Finish();
        return directory;
    }

    [Fact]
    public void FineTuningOnExportedCounterexamplesFixesThemWithoutLosingCleanAccuracy()
    {
        using var model = Trained("dense:16,relu,dense:2", 200, 2);
        var directory = ExportedCounterexamples(model, TrainingTests.Synthetic(60, 5), 0.2);
        var counterexamples = CounterexampleSet.Read([directory], model.InputShape, 2, out int skipped);
        Assert.Equal(0, skipped);
        Assert.True(counterexamples.Count >= 5, $"only {counterexamples.Count} counterexamples to train on");
        var fromIdx = CounterexampleSet.Read([Path.Combine(directory, CounterexampleSet.IdxImages)], model.InputShape, 2, out _);
        Assert.Equal(counterexamples.Labels.Order(), fromIdx.Labels.Order());

        var evaluation = new ModelEvaluation(TrainingTests.Synthetic(100, 2), 0, null);
        var result = FineTuner.Run(model, TrainingTests.Synthetic(200, 1), counterexamples,
            new FineTuneOptions(new TrainingOptions(3, 32, 1, LearningRate: 3e-3f)), evaluation);
        Assert.Equal(0, result.Before.CounterexampleAccuracy);
        Assert.Equal(1, result.After.CounterexampleAccuracy);
        Assert.True(result.After.CleanAccuracy >= result.Before.CleanAccuracy - 0.02, $"clean {result.Before.CleanAccuracy} -> {result.After.CleanAccuracy}");
    }

    [Fact]
    public void AdversarialTrainingRaisesRobustAccuracy()
    {
        const double eps = 0.15;
        using var model = Trained("dense:32,relu,dense:2", 300, 3);
        var evaluation = new ModelEvaluation(TrainingTests.Synthetic(200, 2), 200, eps, Steps: 20);
        var result = FineTuner.Run(model, TrainingTests.Synthetic(300, 1), null,
            new FineTuneOptions(new TrainingOptions(4, 32, 1)) { Adversarial = new AdversarialTrainingOptions(eps, 7, 1.0, 1) }, evaluation);
        Assert.True(result.After.RobustAccuracy >= result.Before.RobustAccuracy + 0.2, $"robust {result.Before.RobustAccuracy} -> {result.After.RobustAccuracy}");
        Assert.True(result.After.CleanAccuracy >= 0.9);
    }
}
