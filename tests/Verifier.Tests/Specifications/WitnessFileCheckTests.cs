using System.CommandLine;
using Verifier.Cli.Commands;
using Verifier.Core.Errors;
using Verifier.Core.Results;
using Verifier.Core.Specifications;
using Verifier.Core.Specifications.VnnLib;
using Verifier.Formats;
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

    /// <summary>Unsafe iff Y_0 &gt;= 0.25 for x0 in [0.1, 1.45], x1 in [-0.45, 0.3]: edges float32 cannot hold.</summary>
    private static readonly SafetyProperty DecimalEdges = VnnLibParser.ParseText(
        "(declare-const X_0 Real) (declare-const X_1 Real) (declare-const Y_0 Real) (declare-const Y_1 Real)\n"
        + "(assert (>= X_0 0.1)) (assert (<= X_0 1.45)) (assert (>= X_1 -0.45)) (assert (<= X_1 0.3))\n"
        + "(assert (>= Y_0 0.25))", "edges.vnnlib");

    private static WitnessFileReport CheckEdges(string x0, string x1) =>
        WitnessFileCheck.Check(TinyNetwork(), DecimalEdges, ResultFile.ParseText($"sat\n((X_0 {x0}) (X_1 {x1}) (Y_0 0) (Y_1 0))", "r.txt"));

    [Theory]
    [InlineData("1.45", "-0.45")] // both on an edge; float32(1.45) is above 1.45, float32(-0.45) above -0.45
    [InlineData("1.45", "0.3")] // float32(0.3) is above 0.3: only the written value is in the box
    [InlineData("1.4499999999999999", "-0.44999999999999")] // just inside both edges
    public void AcceptsWitnessesOnADecimalBoxEdgeAsWritten(string x0, string x1)
    {
        var r = CheckEdges(x0, x1);
        Assert.True(r.Confirmed, r.Reason);
        Assert.Contains("values as written", r.Inputs);
        Assert.Contains("float32 rounding", r.Inputs);
    }

    [Fact]
    public void SaysWhenTheFloat32RoundingLeavesTheBox()
    {
        Assert.Contains("float32 rounding of X_0, 1.4500000476837158, is outside the box (<= 1.45)", CheckEdges("1.45", "0").Inputs);
        Assert.Contains("the float32 rounding lies in the box too", CheckEdges("1", "0").Inputs);
    }

    [Theory]
    [InlineData("1.4500000000000001", "0")] // a double just above 1.45
    [InlineData("1.450000000000000000001", "0")]
    [InlineData("1", "-0.45000000000000000001")] // below the lower edge as written
    [InlineData("1", "0.30000000000000001")]
    [InlineData("0.0999999999999999999", "0")]
    public void RejectsWitnessesJustOutsideADecimalEdgeEvenWhenTheyRoundOntoIt(string x0, string x1)
    {
        var r = CheckEdges(x0, x1);
        Assert.False(r.Confirmed);
        Assert.Contains("no input box", r.Reason);
    }

    /// <summary>
    /// A counterexample of ACAS Xu 1_5 prop 2 found by this tool, written as other tools publish it: X_0 on its lower
    /// edge 0.6 (whose double is below 0.6) and X_4 on its upper edge -0.45 (whose float32 is above -0.45).
    /// </summary>
    [Theory]
    [InlineData("0.6", "-0.45000001788139343", true)]
    [InlineData("0.6", "-0.45", true)]
    [InlineData("0.6", "-0.44999999999999999999", false)]
    [InlineData("0.59999999999999999999", "-0.45", false)]
    public void AcasXuCounterexamplesOnTheBoxEdgeAreJudgedAsWritten(string x0, string x4, bool confirmed)
    {
        var acas = SharedData.Benchmarks("acasxu");
        var graph = ModelLoader.Load(System.IO.Path.Combine(acas, "onnx", "ACASXU_run2a_1_5_batch_2000.onnx"));
        var property = VnnLibParser.Parse(System.IO.Path.Combine(acas, "vnnlib", "prop_2.vnnlib"));
        var text = $"sat\n((X_0 {x0}) (X_1 -0.011909935623407364) (X_2 0.30944103002548218) (X_3 0.48818400502204895) (X_4 {x4}))";
        var r = WitnessFileCheck.Check(graph, property, ResultFile.ParseText(text, "ce.txt"));
        Assert.Equal(confirmed, r.Confirmed);
        Assert.Contains(confirmed ? "violates the property at zero tolerance" : "no input box", r.Reason);
    }

    [Fact]
    public void OurOwnWitnessesStillNeedTheirFloat32RoundingInTheBox()
    {
        // The check of our own answers stays strict: float32(1.45) is outside [0.1, 1.45].
        Assert.Null(WitnessCheck.Validate(TinyNetwork(), DecimalEdges, [1.45, 0.0], out _));
        Assert.NotNull(WitnessCheck.Validate(TinyNetwork(), DecimalEdges, [(float)1.4499999, 0.0], out _));
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
