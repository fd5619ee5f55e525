using Verifier.Tests.Support;

namespace Verifier.Tests.Cli;

/// <summary>Every kind of bad input reaches the user as exit 3 and one line naming the file, never a stack trace.</summary>
public class BadInputExitCodeTests
{
    private static string Acas => SharedData.Benchmarks("acasxu", "onnx", "ACASXU_run2a_1_1_batch_2000.onnx");
    private static string Prop1 => SharedData.Benchmarks("acasxu", "vnnlib", "prop_1.vnnlib");

    public static TheoryData<string, string> Cases => new()
    {
        { "truncated.onnx", "truncated" },
        { "garbage.onnx", "garbage" },
        { "nan.nnet", "nan" },
        { "unbounded.vnnlib", "unbounded" },
        { "syntax.vnnlib", "syntax" },
        { "wrong-shape.vnnlib", "shape" },
        { "magic.idx", "magic" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadFilesExitThreeWithOneLine(string name, string kind)
    {
        using var dir = new TempDirectory();
        var file = dir.Path(name);
        string[] args;
        switch (kind)
        {
            case "truncated":
                File.WriteAllBytes(file, File.ReadAllBytes(Acas)[..1000]);
                args = ["info", file];
                break;
            case "garbage":
                File.WriteAllBytes(file, Enumerable.Range(0, 4000).Select(i => (byte)(i * 7919 % 251)).ToArray());
                args = ["info", file];
                break;
            case "nan":
                var lines = File.ReadAllLines(SharedData.Benchmarks("acasxu", "nnet", "ACASXU_run2a_1_1_batch_2000.nnet"));
                int weightLine = Array.FindIndex(lines, 10, l => l.Contains(','));
                lines[weightLine] = "nan," + lines[weightLine][(lines[weightLine].IndexOf(',') + 1)..];
                File.WriteAllLines(file, lines);
                args = ["info", file];
                break;
            case "unbounded":
                File.WriteAllText(file, File.ReadAllText(Prop1).Replace("(assert (<= X_0 0.679857769))", ""));
                args = ["check", Acas, file, "--timeout", "5"];
                break;
            case "syntax":
                File.WriteAllText(file, File.ReadAllText(Prop1).Replace("(assert (>= X_0 0.6))", "(assert (>= X_0 0.6)"));
                args = ["check", Acas, file, "--timeout", "5"];
                break;
            case "shape":
                file = SharedData.Benchmarks("mnistfc", "vnnlib", "prop_0_0.03.vnnlib");
                args = ["check", Acas, file, "--timeout", "5"];
                break;
            default:
                File.WriteAllBytes(file, [0, 0, 8, 9, 0, 0, 0, 1, 0]);
                args = ["eval", SharedData.Benchmarks("mnistfc", "onnx", "mnist-net_256x2.onnx"), "--images", file, "--labels", file];
                break;
        }
        var r = CliRunner.Run(args);
        Assert.True(r.ExitCode == 3, $"exit {r.ExitCode}: {r.Stderr}");
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains(Path.GetFileName(file), line);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void VnnCompWritesAnErrorResultForBadInput()
    {
        using var dir = new TempDirectory();
        var result = dir.Path("out.result");
        var r = CliRunner.Run("vnncomp", Acas, SharedData.Benchmarks("mnistfc", "vnnlib", "prop_0_0.03.vnnlib"), result, "10");
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("error", File.ReadAllText(result).Trim());
    }
}
