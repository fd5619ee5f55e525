using System.Text.Json;
using Verifier.Tests.Support;

namespace Verifier.Tests.Cli;

/// <summary>
/// The timeout and Ctrl-C contract, on the built CLI as a process: the answer arrives within max(5 % of the
/// timeout, 1 s) of the deadline — within 1 s of SIGINT/SIGTERM — with exit 2, and no output file nor temporary
/// file is left behind.
/// </summary>
public class DeadlineProcessTests
{
    private const int SigInt = 2, SigTerm = 15;
    private static readonly string Mnist256x6 = SharedData.Benchmarks("mnistfc", "onnx", "mnist-net_256x6.onnx");
    private static readonly string MnistImages = SharedData.Path("data", "mnist", "t10k-images-idx3-ubyte.gz");
    private static readonly string MnistLabels = SharedData.Path("data", "mnist", "t10k-labels-idx1-ubyte.gz");

    [Theory]
    [InlineData(SigInt, "SIGINT")]
    [InlineData(SigTerm, "SIGTERM")]
    public void SignalStopsTrainingWithinASecondAndWritesNoModel(int signal, string name)
    {
        SystemPackages.RequireFashionMnist();
        using var dir = new TempDirectory();
        using var cli = CliRunner.Start("train", "--dataset", "fashion-mnist", "--epochs", "50", "--device", "cpu", "--out", dir.Path("model.onnx"));
        Assert.True(cli.WaitForOutput("training", TimeSpan.FromSeconds(60)), cli.Stderr);
        Thread.Sleep(300); // inside the epoch loop
        var sent = cli.Elapsed;
        cli.Signal(signal);
        int exit = cli.WaitForExit(TimeSpan.FromSeconds(10));
        Assert.True(cli.ExitedAt - sent < TimeSpan.FromSeconds(1), $"exited {(cli.ExitedAt - sent).TotalSeconds:F2} s after {name}");
        Assert.Equal(2, exit);
        Assert.Contains($"cancelled: interrupted by {name}", cli.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Root));
    }

    [Fact]
    public void CtrlCStopsCheckWithinASecondAndWritesNoResultFile()
    {
        using var dir = new TempDirectory();
        using var cli = CliRunner.Start("check", Mnist256x6, SharedData.Benchmarks("mnistfc", "vnnlib", "prop_1_0.03.vnnlib"),
            "--timeout", "120", "--result", dir.Path("result.txt"), "--json");
        Thread.Sleep(2500); // loading done, the analysis running (this instance stays open for minutes)
        var sent = cli.Elapsed;
        cli.Signal(SigInt);
        int exit = cli.WaitForExit(TimeSpan.FromSeconds(10));
        Assert.True(cli.ExitedAt - sent < TimeSpan.FromSeconds(1), $"exited {(cli.ExitedAt - sent).TotalSeconds:F2} s after SIGINT (output drained after {(cli.Elapsed - sent).TotalSeconds:F2} s)");
        Assert.Equal(2, exit);
        Assert.Equal("cancelled", JsonDocument.Parse(cli.Stdout).RootElement.GetProperty("result").GetString());
        Assert.Empty(Directory.GetFileSystemEntries(dir.Root));
    }

    /// <summary>Each long command, stopped by --timeout: exit 2, the JSON timeout answer on time, no files.</summary>
    [Theory]
    [InlineData("train", 3.0)]
    [InlineData("dlv", 3.0)]
    [InlineData("eval", 2.0)]
    [InlineData("check", 3.0)]
    [InlineData("attack", 2.0)]
    public void TimeoutAnswersOnTimeWithExitTwoAndNoFiles(string command, double seconds)
    {
        if (command == "train") SystemPackages.RequireFashionMnist();
        using var dir = new TempDirectory();
        string timeout = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] args = command switch
        {
            "train" => ["train", "--dataset", "fashion-mnist", "--epochs", "50", "--device", "cpu", "--out", dir.Path("model.onnx")],
            // 3^12 grid points of the CNN: far more than a few seconds' work.
            "dlv" => ["dlv", SharedData.Benchmarks("dlv", "mnist_cnn.onnx"), "--images", MnistImages, "--search", "guarantee",
                "--features", "2", "--feature-dims", "6", "--out", dir.Path("dlv")],
            "eval" => ["eval", SharedData.Benchmarks("dlv", "mnist_cnn.onnx"), "--images", MnistImages, "--labels", MnistLabels], // ~13 s
            "attack" => ["attack", SharedData.Benchmarks("dlv", "mnist_cnn.onnx"), "--images", MnistImages, "--labels", MnistLabels,
                "--count", "2000", "--eps", "0.1", "--steps", "1000"],
            _ => ["check", Mnist256x6, SharedData.Benchmarks("mnistfc", "vnnlib", "prop_1_0.03.vnnlib"), "--result", dir.Path("result.txt")],
        };
        using var cli = CliRunner.Start([.. args, "--timeout", timeout, "--json"]);
        int exit = cli.WaitForExit(TimeSpan.FromSeconds(60));
        var limit = TimeSpan.FromSeconds(seconds + Math.Max(1, 0.05 * seconds));
        Assert.Equal(2, exit);
        var answer = JsonDocument.Parse(cli.Stdout).RootElement;
        Assert.Equal("timeout", answer.GetProperty("result").GetString());
        // The contract: the answer is printed within the limit, by the CLI's clock (which starts at process start).
        // The wall clock seen from here also holds the runtime's start and exit and this process's own scheduling:
        // on two cores shared with the rest of the suite dlv took 4.32 s of it (3.16-3.39 s alone), so it only has
        // to rule out a hang.
        double answeredAt = answer.GetProperty("seconds").GetDouble();
        Assert.True(answeredAt <= limit.TotalSeconds, $"{command} answered at {answeredAt:F2} s, limit {limit.TotalSeconds} s");
        Assert.True(cli.ExitedAt <= limit + TimeSpan.FromSeconds(2), $"{command} exited after {cli.ExitedAt.TotalSeconds:F2} s, limit {limit.TotalSeconds} s + 2 s");
        // check writes its own (complete) result file with the answer 'timeout'; the others write nothing.
        var left = Directory.GetFileSystemEntries(dir.Root).Select(p => Path.GetFileName(p)!).ToArray();
        if (command != "check") Assert.Empty(left);
        else if (left.Length > 0) Assert.Equal(["result.txt"], left);
        if (left.Length > 0) Assert.Equal("timeout", File.ReadAllText(dir.Path("result.txt")).Trim());
    }

    [Fact]
    public void GateTimeoutWritesNoReports()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("gate.yaml", $"""
            checks:
              - name: hard
                model: {Mnist256x6}
                vnnlib: {SharedData.Benchmarks("mnistfc", "vnnlib", "prop_1_0.03.vnnlib")}
                timeout: 120
            """);
        using var cli = CliRunner.Start("gate", config, "--json", dir.Path("report.json"), "--junit", dir.Path("report.xml"), "--timeout", "3");
        int exit = cli.WaitForExit(TimeSpan.FromSeconds(60));
        Assert.True(cli.ExitedAt <= TimeSpan.FromSeconds(4), $"gate answered after {cli.ExitedAt.TotalSeconds:F2} s");
        Assert.Equal(2, exit);
        Assert.StartsWith("timeout: no answer within the --timeout of 3 s", cli.Stdout);
        Assert.Equal(["gate.yaml"], Directory.GetFiles(dir.Root).Select(p => Path.GetFileName(p)!));
    }
}
