using Verifier.Core.Results;
using Verifier.Pipeline;
using Verifier.Tests.Onnx;
using Verifier.Tests.Support;

namespace Verifier.Tests.Complete;

/// <summary>
/// Shared VNN-COMP MNIST-FC instances falsified end to end, each witness confirmed by ONNX Runtime as well: the
/// counterexample's clause holds on the reference runtime's own float32 outputs, not only on ours.
/// </summary>
public class MnistFcInstanceTests
{
    [Theory]
    [InlineData("256x2", "prop_0_0.05", "sat")] // found by the descent from a ReLU-split domain's bound minimiser
    [InlineData("256x6", "prop_14_0.05", "unknown")] // listed as unknown: our witness decides it
    public void FalsifiesWithAWitnessThatOnnxRuntimeConfirms(string net, string property, string listedAnswer)
    {
        var onnx = $"onnx/mnist-net_{net}.onnx";
        var (input, outcome) = SharedInstance.Verify("mnistfc", onnx, $"vnnlib/{property}.vnnlib", listedAnswer, TimeSpan.FromSeconds(60));

        Assert.Equal(Verdict.Falsified, outcome.Verdict);
        var witness = outcome.Witness!;
        Assert.NotNull(WitnessCheck.Validate(input.Graph, input.Property, witness.Input, out _));
        using var ort = new OrtModel(SharedData.Benchmarks("mnistfc", onnx));
        var (outputs, _) = ort.Run(witness.Input.Select(v => (float)v).ToArray(), input.Graph.InputShape.ToArray());
        var clause = input.Property.Cases[witness.CaseIndex].Clauses[witness.ClauseIndex];
        Assert.True(clause.HoldsExactly(outputs.Select(v => (double)v).ToArray()), $"ONNX Runtime outputs {string.Join(", ", outputs)}");
    }
}
