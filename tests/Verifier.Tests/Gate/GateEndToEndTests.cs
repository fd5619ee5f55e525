using System.Text.Json;
using System.Xml.Linq;
using Verifier.Tests.Cli;

namespace Verifier.Tests.Gate;

public class GateEndToEndTests
{
    [Fact]
    public void FalsifiedPropertiesFailTheGateWithWitnessesInEveryReport()
    {
        using var files = new GateTestFiles();
        var config = files.FailingConfig();
        var r = CliRunner.Run("gate", config, "--json", files.File_("r.json"), "--junit", files.File_("r.xml"),
            "--markdown", files.File_("r.md"), "--html", files.File_("r.html"), "--export", files.File_("cex"));
        Assert.True(r.ExitCode == 1, r.Stdout + r.Stderr);

        var junit = XDocument.Load(files.File_("r.xml"));
        var cases = junit.Descendants("testcase").ToList();
        Assert.Equal(2, cases.Count);
        var failures = junit.Descendants("failure").ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Contains("witness input: [", f.Value));

        using var json = JsonDocument.Parse(File.ReadAllText(files.File_("r.json")));
        Assert.Equal("verifier-gate-report/1", json.RootElement.GetProperty("schema").GetString());
        var check = json.RootElement.GetProperty("checks")[0];
        Assert.Equal(64, check.GetProperty("model_sha256").GetString()!.Length);
        Assert.Equal(2, check.GetProperty("counts").GetProperty("falsified").GetInt32());

        Assert.Contains("❌ failed", File.ReadAllText(files.File_("r.md")));
        Assert.Contains("<h1>Robustness gate", File.ReadAllText(files.File_("r.html")));
        // Exported witnesses re-check as valid violations through `verify witness`.
        var cex = Directory.GetFiles(files.File_("cex"), "*prop_3*.counterexample").Single();
        var w = CliRunner.Run("witness", GateTestFiles.Acas("1_9"), GateTestFiles.AcasProperty(3), cex);
        Assert.True(w.ExitCode == 1, w.Stdout + w.Stderr);
    }

    [Fact]
    public void UndecidedFailsUnlessTheConfigOptsIn()
    {
        using var files = new GateTestFiles();
        string Config(string policy) => files.Write($"u-{policy}.yaml", $"""
            undecided: {policy}
            checks:
              - name: acas-prop1
                model: {GateTestFiles.Acas("1_1")}
                vnnlib: {GateTestFiles.AcasProperty(1)}
                methods: [attack]
                timeout: 1
            """);
        Assert.Equal(2, CliRunner.Run("gate", Config("fail")).ExitCode);
        Assert.Equal(0, CliRunner.Run("gate", Config("pass")).ExitCode);
    }

    [Fact]
    public void ShardsMergeIntoTheSingleRunsCounts()
    {
        using var files = new GateTestFiles();
        var config = files.Write("robust.yaml", $"""
            seed: 5
            checks:
              - name: mnist
                model: {GateTestFiles.MnistNet}
                robustness: {"{"} images: {GateTestFiles.MnistImages}, labels: {GateTestFiles.MnistLabels}, count: 3, eps: [0.2, 0.4] {"}"}
                methods: [attack]
                timeout: 2
                thresholds: {"{"} min_verified: 0, max_falsified: 6 {"}"}
            """);
        var one = CliRunner.Run("gate", config, "--shard", "1/2", "--json", files.File_("s1.json"));
        var two = CliRunner.Run("gate", config, "--shard", "2/2", "--json", files.File_("s2.json"));
        Assert.True(one.ExitCode is 0 or 1 or 2 && two.ExitCode is 0 or 1 or 2, one.Stderr + two.Stderr);
        var merged = CliRunner.Run("merge", files.File_("s1.json"), files.File_("s2.json"), "--json", files.File_("m.json"));
        Assert.True(merged.ExitCode is 0 or 1 or 2, merged.Stderr);
        using var m = JsonDocument.Parse(File.ReadAllText(files.File_("m.json")));
        var props = m.RootElement.GetProperty("checks")[0].GetProperty("properties");
        Assert.Equal(6, props.GetArrayLength());
        Assert.Equal(6, props.EnumerateArray().Select(p => p.GetProperty("id").GetString()).Distinct().Count());
        // Merging a shard twice is refused.
        Assert.Equal(3, CliRunner.Run("merge", files.File_("s1.json"), files.File_("s1.json")).ExitCode);
    }

    [Fact]
    public void DlvChecksReportValidatedAdversarialExamples()
    {
        using var files = new GateTestFiles();
        var config = files.Write("dlv.yaml", $"""
            checks:
              - name: dlv-cnn
                model: {Support.SharedData.Benchmarks("dlv", "mnist_cnn.onnx")}
                dlv: {"{"} images: {GateTestFiles.MnistImages}, labels: {GateTestFiles.MnistLabels}, count: 2, features: 150 {"}"}
            """);
        var r = CliRunner.Run("gate", config, "--json", files.File_("d.json"), "--export", files.File_("cex"));
        Assert.True(r.ExitCode == 1, r.Stdout + r.Stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(files.File_("d.json")));
        var properties = json.RootElement.GetProperty("checks")[0].GetProperty("properties");
        Assert.Equal(2, properties.GetArrayLength());
        foreach (var p in properties.EnumerateArray())
        {
            Assert.Equal("falsified", p.GetProperty("result").GetString());
            Assert.Equal("dlv", p.GetProperty("method").GetString());
            Assert.NotEqual(p.GetProperty("label").GetInt32(), p.GetProperty("witness").GetProperty("predicted_class").GetInt32());
        }
        Assert.Equal(2, Directory.GetFiles(files.File_("cex"), "*-adversarial.png").Length);
    }

    [Fact]
    public void BaselineFailsOnlyOnRegressions()
    {
        using var files = new GateTestFiles();
        var config = files.FailingConfig();
        Assert.Equal(1, CliRunner.Run("gate", config, "--json", files.File_("base.json")).ExitCode);
        // Same falsified properties as the baseline: nothing regressed.
        var again = CliRunner.Run("gate", config, "--baseline", files.File_("base.json"));
        Assert.True(again.ExitCode == 0, again.Stdout + again.Stderr);
        Assert.Contains("no regression", again.Stdout);
    }
}
