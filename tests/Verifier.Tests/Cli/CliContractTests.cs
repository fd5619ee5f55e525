namespace Verifier.Tests.Cli;

/// <summary>The exit-code and error-line contract, independent of any analysis.</summary>
public class CliContractTests
{
    [Fact]
    public void MissingModelIsBadInputWithOneLine()
    {
        var r = CliRunner.Run("info", "/nonexistent/model.onnx");
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("error: /nonexistent/model.onnx: file not found", r.Stderr.Trim());
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void UnknownModelFormatIsBadInput()
    {
        var path = Path.Combine(Path.GetTempPath(), $"verifier-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "not a model");
        try
        {
            var r = CliRunner.Run("info", path);
            Assert.Equal(3, r.ExitCode);
            Assert.Contains("unknown model format", r.Stderr);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void UsageErrorsExitThree()
    {
        Assert.Equal(3, CliRunner.Run("no-such-command").ExitCode);
        Assert.Equal(3, CliRunner.Run("info").ExitCode);
    }

    [Fact]
    public void HelpExitsZero()
    {
        var r = CliRunner.Run("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("info", r.Stdout);
    }
}
