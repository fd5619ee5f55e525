using Verifier.Complete;
using Verifier.Core.Results;
using Verifier.Pipeline;
using Verifier.Tests.Support;

namespace Verifier.Tests.Complete;

/// <summary>
/// Shared VNN-COMP ACAS Xu instances of properties 1-4 on several networks, decided end to end (ONNX import,
/// VNN-LIB, attack, bounds, branch and bound, Z3) against the answers in instances.csv.
/// </summary>
public class AcasXuInstanceTests
{
    [Theory]
    [InlineData("1_1", 1, "unsat")]
    [InlineData("4_5", 1, "unsat")]
    [InlineData("1_2", 2, "sat")]
    [InlineData("2_9", 2, "sat")]
    [InlineData("1_9", 3, "sat")]
    [InlineData("4_5", 3, "unsat")]
    [InlineData("2_1", 4, "unsat")]
    [InlineData("3_3", 4, "unsat")]
    [InlineData("4_7", 1, "unsat")] // hard for coefficient-based input branching (timed out at 116 s), easy with estimates
    [InlineData("1_5", 2, "sat")] // found by branch and bound, not by the short upfront attack
    [InlineData("5_3", 2, "sat")] // found by the local search inside sub-boxes
    public void DecidesWithTheExpectedAnswer(string net, int property, string expected)
    {
        var (input, outcome) = SharedInstance.Verify("acasxu", $"onnx/ACASXU_run2a_{net}_batch_2000.onnx", $"vnnlib/prop_{property}.vnnlib",
            expected, TimeSpan.FromSeconds(100));

        Assert.Equal(expected, outcome.Verdict.VnnComp());
        if (outcome.Verdict == Verdict.Falsified)
            Assert.NotNull(WitnessCheck.Validate(input.Graph, input.Property, outcome.Witness!.Input, out _));
    }

    /// <summary>
    /// Optimised intermediate bounds in input-split sub-domains close the same property with fewer of them (1_1
    /// prop 5: 2,111 sub-domains with CROWN's intermediate bounds, about 1,200 with them optimised at every depth).
    /// </summary>
    [Fact]
    public void OptimisedIntermediateBoundsCloseInputSplitSearchesWithFewerSubDomains()
    {
        var input = ModelAndProperty.Load(SharedData.Benchmarks("acasxu", "onnx/ACASXU_run2a_1_1_batch_2000.onnx"),
            SharedData.Benchmarks("acasxu", "vnnlib/prop_5.vnnlib"));
        var options = new CompleteOptions { Timeout = TimeSpan.FromSeconds(100) };
        var plain = new CompleteVerifier(null, null).Verify(input.Graph, input.Property, options with { InputSplitIntermediateAlpha = null });
        var optimised = new CompleteVerifier(null, null).Verify(input.Graph, input.Property,
            options with { InputSplitIntermediateFromDepth = 1, InputSplitIntermediateEvery = 1 });

        Assert.Equal(Verdict.Verified, plain.Verdict);
        Assert.Equal(Verdict.Verified, optimised.Verdict);
        Assert.True(optimised.Statistics.Domains * 4 < plain.Statistics.Domains * 3,
            $"{optimised.Statistics.Domains} sub-domains optimised, {plain.Statistics.Domains} with CROWN's intermediate bounds");
    }
}
