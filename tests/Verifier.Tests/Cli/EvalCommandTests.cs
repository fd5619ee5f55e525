using System.Text.Json;
using Verifier.Tests.Support;

namespace Verifier.Tests.Cli;

public class EvalCommandTests
{
    [Theory]
    [InlineData("mnist-net_256x2.onnx", 9808)]
    [InlineData("mnist-net_256x4.onnx", 9764)]
    [InlineData("mnist-net_256x6.onnx", 9689)]
    public void MnistFcNetworksReachTheirPublishedAccuracy(string model, int correct)
    {
        var r = CliRunner.Run("eval", SharedData.Benchmarks("mnistfc", "onnx", model),
            "--images", SharedData.Path("data", "mnist", "t10k-images-idx3-ubyte.gz"),
            "--labels", SharedData.Path("data", "mnist", "t10k-labels-idx1-ubyte.gz"), "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(10000, doc.RootElement.GetProperty("images").GetInt32());
        Assert.Equal(correct, doc.RootElement.GetProperty("correct").GetInt32());
    }

    [Fact]
    public void WrongIdxMagicIsBadInput()
    {
        var labels = SharedData.Path("data", "mnist", "t10k-labels-idx1-ubyte.gz");
        var r = CliRunner.Run("eval", SharedData.Benchmarks("mnistfc", "onnx", "mnist-net_256x2.onnx"), "--images", labels, "--labels", labels);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("t10k-labels-idx1-ubyte.gz", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }
}
