using Verifier.Core.Results;
using Verifier.Pipeline;
using Verifier.Tests.Onnx;
using Verifier.Tests.Support;

namespace Verifier.Tests.Complete;

/// <summary>One instance of a shared VNN-COMP benchmark, checked against its line in instances.csv, then verified end to end.</summary>
internal static class SharedInstance
{
    public static (ModelAndProperty Input, VerificationOutcome Outcome) Verify(string benchmark, string onnx, string vnnlib, string listedAnswer, TimeSpan timeout,
        IReadOnlyList<AnalysisMethod>? methods = null)
    {
        var listed = File.ReadLines(SharedData.Benchmarks(benchmark, "instances.csv")).Single(l => l.StartsWith($"{onnx},{vnnlib},"));
        Assert.EndsWith("," + listedAnswer, listed);
        var input = ModelAndProperty.Load(SharedData.Benchmarks(benchmark, onnx), SharedData.Benchmarks(benchmark, vnnlib));
        return (input, PropertyVerifier.Run(input, new VerificationSettings(timeout, Seed: 0, methods), CancellationToken.None));
    }

    /// <summary>
    /// The instance is falsified and its witness confirmed by ONNX Runtime as well: the counterexample's clause holds
    /// on the reference runtime's own float32 outputs, not only on ours.
    /// </summary>
    public static void FalsifiedAsOnnxRuntimeConfirms(string benchmark, string onnx, string vnnlib, string listedAnswer, TimeSpan timeout,
        IReadOnlyList<AnalysisMethod>? methods = null)
    {
        var (input, outcome) = Verify(benchmark, onnx, vnnlib, listedAnswer, timeout, methods);
        Assert.Equal(Verdict.Falsified, outcome.Verdict);
        var witness = outcome.Witness!;
        Assert.NotNull(WitnessCheck.Validate(input.Graph, input.Property, witness.Input, out _));
        using var ort = new OrtModel(SharedData.Benchmarks(benchmark, onnx));
        var (outputs, _) = ort.Run(witness.Input.Select(v => (float)v).ToArray(), input.Graph.InputShape.ToArray());
        var clause = input.Property.Cases[witness.CaseIndex].Clauses[witness.ClauseIndex];
        Assert.True(clause.HoldsExactly(outputs.Select(v => (double)v).ToArray()), $"ONNX Runtime outputs {string.Join(", ", outputs)}");
    }
}
