using Verifier.Pipeline;
using Verifier.Tests.Support;

namespace Verifier.Tests.Complete;

/// <summary>One instance of a shared VNN-COMP benchmark, checked against its line in instances.csv, then verified end to end.</summary>
internal static class SharedInstance
{
    public static (ModelAndProperty Input, VerificationOutcome Outcome) Verify(string benchmark, string onnx, string vnnlib, string listedAnswer, TimeSpan timeout)
    {
        var listed = File.ReadLines(SharedData.Benchmarks(benchmark, "instances.csv")).Single(l => l.StartsWith($"{onnx},{vnnlib},"));
        Assert.EndsWith("," + listedAnswer, listed);
        var input = ModelAndProperty.Load(SharedData.Benchmarks(benchmark, onnx), SharedData.Benchmarks(benchmark, vnnlib));
        return (input, PropertyVerifier.Run(input, new VerificationSettings(timeout, Seed: 0), CancellationToken.None));
    }
}
