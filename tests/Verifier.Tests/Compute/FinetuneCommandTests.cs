using System.CommandLine;
using System.Text.Json;
using Verifier.Cli.Commands;
using Verifier.Compute.Attacks;
using Verifier.Compute.Backends;
using Verifier.Compute.Training;
using Verifier.Core.Errors;
using Verifier.Core.Operators;
using Verifier.Core.Results;
using Verifier.Core.Tensors;
using Verifier.Formats;
using Verifier.Formats.Idx;
using Verifier.Formats.Onnx;
using Verifier.Tests.Attacks;
using Verifier.Tests.Cli;
using Verifier.Tests.Support;

namespace Verifier.Tests.Compute;

public sealed class FinetuneCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _model;

    /// <summary>An idx dataset folder of the synthetic two-class images and a model trained on it for one epoch.</summary>
    public FinetuneCommandTests()
    {
        foreach (var (split, count, seed) in new[] { ("train", 200, 1), ("t10k", 60, 2) })
        {
            var data = TrainingTests.Synthetic(count, seed);
            IdxWriter.WriteImages(_temp.Path($"{split}-images-idx3-ubyte"), data.Features.Select(v => (byte)Math.Round(v * 255)).ToArray(), count, 8, 8);
            IdxWriter.WriteLabels(_temp.Path($"{split}-labels-idx1-ubyte"), data.Labels.Select(l => (byte)l).ToArray());
        }
        using var model = Sequential.Create(new CpuBackend(), [1, 8, 8], LayerSpec.ParseList("conv:4:3,relu,maxpool:2,flatten,dense:2"), 64, 1);
        Trainer.Train(model, LabelledData.FromIdx(IdxDirectory.LoadTrain(_temp.Root)), new TrainingOptions(1, 32, 1));
        _model = _temp.Path("model.onnx");
        OnnxExporter.Write(GraphExport.ToGraph(model), _model);
    }

    public void Dispose() => _temp.Dispose();

    private static int Invoke(params string[] args) =>
        new RootCommand { FinetuneCommand.Create() }.Parse(["finetune", .. args]).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });

    /// <summary>A PGD example the model gets wrong, as a VNN-COMP result file, with its true label.</summary>
    private string ResultFileCounterexample()
    {
        var graph = ModelLoader.Load(_model);
        var test = LabelledData.FromIdx(IdxDirectory.LoadTest(_temp.Root));
        var attack = Pgd.Run(graph, test.Features, test.Labels, new AttackOptions(0.3) { Steps = 20 });
        int index = Array.FindIndex(attack.Adversarial, a => a is not null);
        Assert.True(index >= 0, "PGD found no counterexample to fine-tune on");
        var input = attack.Adversarial[index]!.Select(v => (double)v).ToArray();
        var output = Verifier.Core.Evaluation.Evaluator.EvaluateFlat<float>(graph, attack.Adversarial[index]).Select(v => (double)v).ToArray();
        var path = _temp.Path("found.counterexample");
        ResultFile.Write(path, Verdict.Falsified, input, output);
        return $"{path}:{test.Labels[index]}";
    }

    [Fact]
    public void ExitsZeroWritesALoadableModelAndReportsScoresBeforeAndAfter()
    {
        var output = _temp.Path("tuned.onnx");
        var r = CliRunner.Run("finetune", _model, "--dataset", _temp.Root, "--epochs", "2", "--eps", "0.15", "--pgd-steps", "5",
            "--counterexamples", ResultFileCounterexample(), "--eval-count", "30", "--eval-steps", "10", "--device", "cpu", "--out", output, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var summary = JsonDocument.Parse(r.Stdout);
        var after = summary.RootElement.GetProperty("after");
        Assert.Equal(1.0, after.GetProperty("counterexample_accuracy").GetDouble());
        Assert.Equal(0.0, summary.RootElement.GetProperty("before").GetProperty("counterexample_accuracy").GetDouble());
        Assert.InRange(after.GetProperty("robust_accuracy").GetDouble(), 0, after.GetProperty("clean_accuracy").GetDouble());
        var tuned = ModelLoader.Load(output);
        Assert.Equal(Verifier.Compute.Training.FineTuner.Accuracy(tuned, LabelledData.FromIdx(IdxDirectory.LoadTest(_temp.Root))),
            after.GetProperty("clean_accuracy").GetDouble());
        Assert.Empty(Directory.GetFiles(_temp.Root, "*.tmp"));
    }

    [Fact]
    public void CertifiedFineTuningWithCrownIbpReportsItsBoundVerifiedAccuracy()
    {
        var output = _temp.Path("certified.onnx");
        var r = CliRunner.Run("finetune", _model, "--dataset", _temp.Root, "--epochs", "2", "--certified", "0.1", "--method", "crown-ibp", "--final-beta", "0.5",
            "--eval-count", "30", "--eval-steps", "10", "--device", "cpu", "--out", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("certified (crown-ibp) at eps 0.1", r.Stdout + r.Stderr);
        Assert.Contains("training-time crown-ibp bounds at eps 0.1", r.Stdout);
        Assert.NotNull(ModelLoader.Load(output));
    }

    [Fact]
    public void RunningOutOfTimeExitsTwoAndWritesNothing()
    {
        var output = _temp.Path("late.onnx");
        var r = CliRunner.Run("finetune", _model, "--dataset", _temp.Root, "--epochs", "50", "--eps", "0.1", "--device", "cpu", "--out", output, "--timeout", "0.01");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("timeout", r.Stdout + r.Stderr); // the shared deadline answers on stdout, the command itself on stderr
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void BadInputIsAnInputError()
    {
        string[] common = ["--dataset", _temp.Root, "--out", _temp.Path("m.onnx"), "--device", "cpu"];
        Assert.Throws<InputException>(() => Invoke([_model, .. common]));
        Assert.Throws<InputException>(() => Invoke([_model, .. common, "--eps", "-1"]));
        Assert.Throws<InputException>(() => Invoke([_model, .. common, "--counterexamples", _temp.Path("none")]));
        var wrongLabel = ResultFileCounterexample().Split(':')[0] + ":7";
        Assert.Throws<InputException>(() => Invoke([_model, .. common, "--counterexamples", wrongLabel]));

        var net = new TestNetworks(new Shape(1, 64), 1);
        net.Then(new Gemm(net.Random(2, 64), null, 1f, 1f, false)).Then(new Sigmoid());
        var unsupported = _temp.Path("sigmoid.onnx");
        OnnxExporter.Write(net.Build(), unsupported);
        var e = Assert.Throws<InputException>(() => Invoke([unsupported, .. common, "--eps", "0.1"]));
        Assert.Contains("Sigmoid", e.Message);
    }
}
