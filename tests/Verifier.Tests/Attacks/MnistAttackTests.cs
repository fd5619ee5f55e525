using System.CommandLine;
using Verifier.Cli.Commands;
using Verifier.Compute.Attacks;
using Verifier.Core.Errors;
using Verifier.Core.Evaluation;
using Verifier.Formats;
using Verifier.Formats.Idx;
using Verifier.Tests.Support;

namespace Verifier.Tests.Attacks;

/// <summary>The attacks on a shared MNIST network and the `verify attack` command's input checks.</summary>
public class MnistAttackTests
{
    private static string Model => SharedData.Benchmarks("mnistfc", "onnx", "mnist-net_256x2.onnx");
    private static string Images => SharedData.Path("data", "mnist", "t10k-images-idx3-ubyte.gz");
    private static string Labels => SharedData.Path("data", "mnist", "t10k-labels-idx1-ubyte.gz");

    [Fact]
    public void PgdOnTheSharedNetworkReportsOnlyConfirmedExamplesInsideTheBall()
    {
        var graph = ModelLoader.Load(Model);
        var data = IdxReader.ReadDataset(Images, Labels).Take(100);
        var images = data.ToFloat32();
        var labels = data.Labels.Select(l => (int)l).ToArray();
        var result = Pgd.Run(graph, images, labels, new AttackOptions(0.03) { Steps = 10 });
        Assert.True(result.CleanAccuracy > 0.9);
        Assert.True(result.Succeeded > 0);
        Assert.True(result.RobustAccuracy < result.CleanAccuracy);
        for (int i = 0; i < labels.Length; i++)
        {
            if (result.Adversarial[i] is not { } x) continue;
            Assert.NotEqual(labels[i], Targets.Predicted(Evaluator.EvaluateFlat<float>(graph, x)));
            for (int k = 0; k < x.Length; k++)
            {
                Assert.InRange(x[k], 0f, 1f);
                Assert.InRange(Math.Abs((double)x[k] - images[i * 784 + k]), 0, 0.03);
            }
        }
    }

    private static int Run(params string[] args) =>
        AttackCommand.Create().Parse([Model, "--images", Images, "--labels", Labels, .. args])
            .Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });

    [Fact]
    public void CommandRunsAnAttackAndRejectsBadArguments()
    {
        Assert.Equal(0, Run("--count", "20", "--eps", "0.02", "--method", "fgsm", "--json"));
        Assert.Contains("--eps is required", Assert.Throws<InputException>(() => Run("--method", "pgd")).Message);
        Assert.Contains("--count must be positive", Assert.Throws<InputException>(() => Run("--count", "0", "--eps", "0.1")).Message);
        Assert.Contains("target class 10", Assert.Throws<InputException>(() => Run("--count", "5", "--eps", "0.1", "--targeted", "10")).Message);
        Assert.Contains("missing.vnnlib", Assert.Throws<InputException>(() =>
            AttackCommand.Create().Parse([Model, "--spec", "missing.vnnlib"]).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false })).Message);
    }

    [Fact]
    public void CommandNamesTheModelWhenTheImagesDoNotFitIt()
    {
        var acas = SharedData.Benchmarks("acasxu", "onnx", "ACASXU_run2a_1_1_batch_2000.onnx");
        var e = Assert.Throws<InputException>(() => AttackCommand.Create().Parse([acas, "--images", Images, "--labels", Labels, "--eps", "0.1"])
            .Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
        Assert.Contains("ACASXU_run2a_1_1", e.Message);
        Assert.Contains("784 pixels", e.Message);
    }
}
