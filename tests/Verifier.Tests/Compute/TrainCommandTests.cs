using System.CommandLine;
using Verifier.Cli.Commands;
using Verifier.Core.Errors;
using Verifier.Core.Evaluation;
using Verifier.Formats;
using Verifier.Formats.Idx;

using Verifier.Tests.Support;

namespace Verifier.Tests.Compute;

public sealed class TrainCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public TrainCommandTests()
    {
        foreach (var (split, count, seed) in new[] { ("train", 120, 1), ("t10k", 40, 2) })
        {
            var data = TrainingTests.Synthetic(count, seed);
            var pixels = data.Features.Select(v => (byte)Math.Round(v * 255)).ToArray();
            IdxWriter.WriteImages(_temp.Path($"{split}-images-idx3-ubyte.gz"), pixels, count, 8, 8);
            IdxWriter.WriteLabels(_temp.Path($"{split}-labels-idx1-ubyte"), data.Labels.Select(l => (byte)l).ToArray());
        }
    }

    public void Dispose() => _temp.Dispose();

    private static int Invoke(params string[] args) =>
        new RootCommand { TrainCommand.Create() }.Parse(["train", .. args]).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });

    [Theory]
    [InlineData("cnn", "adam")]
    [InlineData("dense:16,relu,dense:2", "sgd")]
    public void TrainsAndWritesALoadableModel(string arch, string optimizer)
    {
        var output = _temp.Path("model.onnx");
        Assert.Equal(0, Invoke("--dataset", _temp.Root, "--arch", arch, "--epochs", "2", "--batch", "20", "--optimizer", optimizer,
            "--out", output, "--device", "cpu", "--json"));
        var graph = ModelLoader.Load(output);
        var test = IdxReader.ReadDataset(_temp.Path("t10k-images-idx3-ubyte.gz"), _temp.Path("t10k-labels-idx1-ubyte"));
        var logits = Evaluator.EvaluateBatch(graph, test.ToFloat32(), test.Count);
        int correct = Enumerable.Range(0, test.Count).Count(s => (logits[2 * s + 1] > logits[2 * s] ? 1 : 0) == test.Labels[s]);
        Assert.True(correct >= 36, $"{correct}/40 correct");
        Assert.Empty(Directory.GetFiles(_temp.Root, "*.tmp*"));
    }

    [Theory]
    [InlineData("ibp")]
    [InlineData("crown-ibp")]
    public void CertifiedTrainingReportsPgdAndBoundVerifiedAccuracy(string method)
    {
        var output = _temp.Path("certified.onnx");
        var stdout = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(stdout);
        try
        {
            Assert.Equal(0, Invoke("--dataset", _temp.Root, "--arch", "conv:4:3:1:1,relu,maxpool:2,flatten,dense:8,relu,dense:2", "--epochs", "4",
                "--batch", "20", "--lr", "0.01", "--certified", "0.1", "--method", method, "--out", output, "--device", "cpu", "--json"));
        }
        finally
        {
            Console.SetOut(previous);
        }
        using var summary = System.Text.Json.JsonDocument.Parse(stdout.ToString());
        var certified = summary.RootElement.GetProperty("certified");
        Assert.Equal(0.1, certified.GetProperty("epsilon").GetDouble());
        Assert.Equal(method, certified.GetProperty("method").GetString());
        Assert.Equal(40, certified.GetProperty("images").GetInt32());
        double pgd = certified.GetProperty("pgd_robust").GetDouble(), bound = certified.GetProperty("bound_verified").GetDouble();
        Assert.True(bound > 0.1 && bound <= pgd, $"bound-verified {bound:P0}, PGD {pgd:P0}"); // bounds can only prove what an attack cannot break
        Assert.NotNull(ModelLoader.Load(output));
        Assert.NotEqual(0, Invoke("--dataset", _temp.Root, "--certified", "0.1", "--method", "crown", "--out", output));
    }

    [Theory]
    [InlineData("--certified", "0")]
    [InlineData("--certified", "1.5")]
    [InlineData("--kappa", "2")]
    [InlineData("--final-beta", "-0.5")]
    [InlineData("--epochs", "0")]
    [InlineData("--optimizer", "rmsprop")]
    [InlineData("--arch", "dense:3,pool")]
    [InlineData("--device", "tpu")]
    [InlineData("--lr", "-1")]
    public void BadOptionsAreInputErrors(string option, string value)
    {
        string[] args = ["--dataset", _temp.Root, "--out", _temp.Path("m.onnx"), "--device", option == "--device" ? value : "cpu"];
        if (option != "--device") args = [.. args, option, value];
        Assert.Throws<InputException>(() => Invoke(args));
    }

    [Fact]
    public void MissingDatasetIsAnInputError() =>
        Assert.Throws<InputException>(() => Invoke("--dataset", _temp.Path("none"), "--out", _temp.Path("m.onnx")));
}
