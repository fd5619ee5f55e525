using System.CommandLine;
using Verifier.Cli.Commands;
using Verifier.Core.Errors;
using Verifier.Core.Results;
using Verifier.Tests.Support;
using static Verifier.Tests.Specifications.WitnessCheckTests;

namespace Verifier.Tests.Specifications;

/// <summary>Result-file witnesses from any tool, checked against the tiny network of <see cref="WitnessCheckTests"/>.</summary>
public class WitnessFileCheckTests
{
    private static WitnessFileReport Check(string resultText) =>
        WitnessFileCheck.Check(TinyNetwork(), Property, ResultFile.ParseText(resultText, "r.txt"));

    [Fact]
    public void ConfirmsAWitnessWhoseOutputsMatch()
    {
        var r = Check("sat\n((X_0 1) (X_1 0) (Y_0 1) (Y_1 0.375))");
        Assert.True(r.Confirmed);
        Assert.True(r.ExecutionMatches);
        Assert.Equal(0, r.OutputRelativeError);
    }

    [Fact]
    public void ConfirmsFromReExecutionEvenWhenTheFilesOutputsAreWrong()
    {
        var r = Check("sat\n((X_0 1) (X_1 0) (Y_0 -5) (Y_1 0.375))");
        Assert.True(r.Confirmed);
        Assert.False(r.ExecutionMatches);
        Assert.Equal(6.0 / 5, r.OutputRelativeError);
        Assert.Contains("do not match", r.Reason);
    }

    [Fact]
    public void RejectsAWitnessTheOrganisersToleranceWouldAccept()
    {
        // Y_0 = 0.2499 misses Y_0 >= 0.25 by 1e-4, within VNN-COMP's absolute tolerance.
        var r = Check("sat\n((X_0 0.2499) (X_1 0) (Y_0 0.2499) (Y_1 0))");
        Assert.False(r.Confirmed);
        Assert.True(r.ExecutionMatches);
        Assert.Contains("zero tolerance", r.Reason);
    }

    [Theory]
    [InlineData("unsat", "without a witness")]
    [InlineData("sat", "without a witness")]
    [InlineData("sat ((X_0 1))", "the witness has 1 inputs, the model takes 2")]
    public void ResultsWithoutAUsableWitnessConfirmNothing(string text, string reason)
    {
        var r = Check(text);
        Assert.False(r.Confirmed);
        Assert.Contains(reason, r.Reason);
    }

    [Fact]
    public void SpecCommandSummarisesSharedPropertiesAndRejectsBadFiles()
    {
        var root = new RootCommand("test") { SpecCommand.Create() };
        int Run(string path) => root.Parse(["spec", path]).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = TextWriter.Null });
        Assert.Equal(0, Run(SharedData.Benchmarks("acasxu", "vnnlib", "prop_6.vnnlib")));
        Assert.Throws<InputException>(() => Run(SharedData.Benchmarks("acasxu", "instances.csv")));
    }
}
