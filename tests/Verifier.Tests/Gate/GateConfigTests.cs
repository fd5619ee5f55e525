using Verifier.Tests.Cli;

namespace Verifier.Tests.Gate;

public class GateConfigTests
{
    [Theory]
    [InlineData("checks:\n  - name: a\n    model: MODEL\n    vnnlib: SPEC\n    timout: 3\n", "checks[0].timout: unknown key")]
    [InlineData("checks:\n  - name: a\n    model: MODEL\n    vnnlib: SPEC\n    thresholds: { min_verified: 1.5 }\n", "checks[0].thresholds.min_verified: must be a fraction")]
    [InlineData("checks:\n  - name: a\n    model: /no/such/model.onnx\n    vnnlib: SPEC\n", "checks[0].model: file not found")]
    [InlineData("checks:\n  - name: a\n    model: MODEL\n    vnnlib: /no/such/*.vnnlib\n", "checks[0].vnnlib: '/no/such/*.vnnlib' matches no file")]
    [InlineData("checks:\n  - name: a\n    model: MODEL\n", "checks[0]: needs exactly one of")]
    [InlineData("seed: x\nchecks: []\n", "seed: must be an integer")]
    [InlineData("checks:\n  - name: a\n    model: MODEL\n    vnnlib: SPEC\n    methods: [attack, magic]\n", "checks[0].methods[1]: must be one of")]
    [InlineData("undecided: maybe\nchecks: []\n", "undecided: must be one of")]
    [InlineData("checks: [\n", "invalid YAML")]
    public void MalformedConfigsExitThreeNamingTheKey(string yaml, string expected)
    {
        using var files = new GateTestFiles();
        var path = files.Write("bad.yaml", yaml.Replace("MODEL", GateTestFiles.Acas("1_1")).Replace("SPEC", GateTestFiles.AcasProperty(1)));
        var r = CliRunner.Run("gate", path);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
        Assert.Contains("bad.yaml", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }
}
