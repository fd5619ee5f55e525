using System.Text.Json;
using Verifier.Tests.Support;

namespace Verifier.Tests.Cli;

public class BoundsCommandTests
{
    private static JsonElement Bounds(string model, string spec, params string[] extra)
    {
        var r = CliRunner.Run(["bounds", model, spec, "--json", .. extra]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    [Fact]
    public void EachModeIsTighterThanTheOneBeforeOnEveryBox()
    {
        // ACAS Xu property 6 has two input boxes.
        var report = Bounds(SharedData.Benchmarks("acasxu", "onnx", "ACASXU_run2a_1_1_batch_2000.onnx"), SharedData.Benchmarks("acasxu", "vnnlib", "prop_6.vnnlib"));
        var cases = report.GetProperty("cases").EnumerateArray().ToArray();
        Assert.Equal(2, cases.Length);
        foreach (var c in cases)
        {
            var passes = c.GetProperty("passes").EnumerateArray().ToArray();
            Assert.Equal(["interval", "crown", "alpha-crown"], passes.Select(p => p.GetProperty("mode").GetString()));
            for (int k = 1; k < passes.Length; k++)
            {
                Assert.True(passes[k].GetProperty("worst_margin").GetDouble() >= passes[k - 1].GetProperty("worst_margin").GetDouble());
                Assert.True(passes[k].GetProperty("clauses_ruled_out").GetInt32() >= passes[k - 1].GetProperty("clauses_ruled_out").GetInt32());
                Assert.True(passes[k].GetProperty("unstable").GetInt32() <= passes[k - 1].GetProperty("unstable").GetInt32());
            }
            Assert.All(passes, p => Assert.True(p.GetProperty("seconds").GetDouble() >= p.GetProperty("intermediate_seconds").GetDouble()));
            Assert.All(passes, p => Assert.True(p.GetProperty("peak_megabytes").GetDouble() > 0));
        }
    }

    [Fact]
    public void CrownRulesOutWhatIntervalsCannotOnAnMnistNetwork()
    {
        var report = Bounds(SharedData.Benchmarks("mnistfc", "onnx", "mnist-net_256x2.onnx"), SharedData.Benchmarks("mnistfc", "vnnlib", "prop_2_0.03.vnnlib"),
            "--mode", "crown", "interval");
        var passes = report.GetProperty("cases")[0].GetProperty("passes").EnumerateArray().ToArray();
        // Always run cheapest first, whatever order was asked for.
        Assert.Equal(["interval", "crown"], passes.Select(p => p.GetProperty("mode").GetString()));
        Assert.Equal(9, passes[1].GetProperty("clauses").GetInt32());
        Assert.Equal(0, passes[0].GetProperty("clauses_ruled_out").GetInt32());
        Assert.Equal(9, passes[1].GetProperty("clauses_ruled_out").GetInt32());
    }

    [Fact]
    public void UnknownModeIsAUsageError()
    {
        var r = CliRunner.Run("bounds", SharedData.Benchmarks("mnistfc", "onnx", "mnist-net_256x2.onnx"),
            SharedData.Benchmarks("mnistfc", "vnnlib", "prop_1_0.03.vnnlib"), "--mode", "milp");
        Assert.Equal(3, r.ExitCode);
    }
}
