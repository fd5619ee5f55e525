using Verifier.Core.Errors;
using Verifier.Core.IO;
using Verifier.Formats;
using Verifier.Tests.Cli;
using Verifier.Tests.Support;

namespace Verifier.Tests.Formats;

/// <summary>The weight and memory caps on untrusted models: checked before decoding where possible, with the estimate and the cap in the message.</summary>
public class ModelLimitTests
{
    private static readonly string Mnist = SharedData.Benchmarks("mnistfc", "onnx", "mnist-net_256x2.onnx");
    private static readonly string Acas = SharedData.Benchmarks("acasxu", "nnet", "ACASXU_run2a_1_1_batch_2000.nnet");

    [Fact]
    public void MemoryEstimateCountsFileWeightsAndActivationsTimesTheBatch()
    {
        var graph = ModelLoader.Load(Mnist);
        long file = new FileInfo(Mnist).Length;
        var estimate = MemoryEstimate.Of(graph, file, batch: 500);
        Assert.Equal(269_322, estimate.Parameters); // 784x256 + 256 + 256x256 + 256 + 256x10 + 10
        // Input 784, two hidden layers of 256 before and after ReLU, 10 outputs, and whatever the graph adds (flatten).
        Assert.InRange(estimate.ActivationsPerSample, 784 + 4 * 256 + 10, 2 * 784 + 4 * 256 + 20);
        Assert.Equal(file + 269_322L * 12 + estimate.ActivationsPerSample * 500 * 8, estimate.Bytes);
    }

    [Fact]
    public void MemoryCapNamesTheFileTheEstimateAndTheCap()
    {
        var options = new ModelLoadOptions { MaxMemoryBytes = 4 << 20, EvaluationBatch = 500 };
        var e = Assert.Throws<InputException>(() => ModelLoader.Load(Mnist, options));
        Assert.StartsWith(Mnist + ": loading and evaluating the model needs an estimated ", e.Message);
        Assert.Contains("269,322 weights x 12 bytes", e.Message);
        Assert.Contains("batch 500", e.Message);
        Assert.EndsWith("more than the memory cap of 4 MiB", e.Message);
        // The same model fits with one sample at a time, or with a larger cap.
        Assert.NotNull(ModelLoader.Load(Mnist, options with { MaxMemoryBytes = 16 << 20 }));
    }

    [Fact]
    public void MemoryCapBoundsTheWeightsBeforeDecoding()
    {
        var e = Assert.Throws<InputException>(() => ModelLoader.Load(Mnist, new ModelLoadOptions { MaxMemoryBytes = 3 << 20 }));
        Assert.Equal($"{Mnist}: the model holds 269,322 weights, more than 262,144 weights, the most whose 12 bytes each fit the memory cap of 3 MiB", e.Message);
    }

    [Fact]
    public void FileLargerThanTheMemoryCapIsNotRead()
    {
        var e = Assert.Throws<InputException>(() => ModelLoader.Load(Mnist, new ModelLoadOptions { MaxMemoryBytes = 1 << 20 }));
        Assert.Contains("more than the memory cap of 1 MiB", e.Message);
    }

    [Fact]
    public void WeightCapAppliesToNnet()
    {
        var e = Assert.Throws<InputException>(() => ModelLoader.Load(Acas, new ModelLoadOptions { MaxParameters = 100 }));
        Assert.Contains("13305 parameters, more than the limit of 100", e.Message);
    }

    [Theory]
    [InlineData("1048576", 1L << 20)]
    [InlineData("8GiB", 8L << 30)]
    [InlineData("8 gib", 8L << 30)]
    [InlineData("512MiB", 512L << 20)]
    [InlineData("1.5G", 3L << 29)]
    [InlineData("2GB", 2_000_000_000L)]
    [InlineData("64k", 65536L)]
    [InlineData("100B", 100L)]
    public void SizesParse(string text, long bytes) => Assert.Equal(bytes, ByteSize.TryParse(text));

    [Theory]
    [InlineData("")]
    [InlineData("GiB")]
    [InlineData("-1GiB")]
    [InlineData("0")]
    [InlineData("8XB")]
    [InlineData("1e30")]
    [InlineData("99999999999TiB")]
    public void NonSizesAreRejected(string text) => Assert.Null(ByteSize.TryParse(text));

    [Fact]
    public void CliFlagsReachTheLoaderAndExitThree()
    {
        var weights = CliRunner.Run("info", Mnist, "--max-weights", "1000");
        Assert.Equal(3, weights.ExitCode);
        Assert.Equal($"error: {Mnist}: the model holds 269,322 weights, more than the limit of 1,000 weights", weights.Stderr.Trim());

        var memory = CliRunner.Run("eval", Mnist, "--images", SharedData.Path("data", "mnist", "t10k-images-idx3-ubyte.gz"),
            "--labels", SharedData.Path("data", "mnist", "t10k-labels-idx1-ubyte.gz"), "--max-memory", "4MiB");
        Assert.Equal(3, memory.ExitCode);
        Assert.Contains("x batch 500 x 8 bytes), more than the memory cap of 4 MiB", memory.Stderr);

        Assert.Equal(3, CliRunner.Run("info", Mnist, "--max-memory", "lots").ExitCode);
        Assert.Equal(3, CliRunner.Run("info", Mnist, "--max-weights", "0").ExitCode);
        Assert.Equal(0, CliRunner.Run("info", Mnist, "--max-weights", "300000", "--max-memory", "16MiB").ExitCode);
    }
}
