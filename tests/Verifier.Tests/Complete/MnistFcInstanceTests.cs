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
    public void FalsifiesWithAWitnessThatOnnxRuntimeConfirms(string net, string property, string listedAnswer) =>
        SharedInstance.FalsifiedAsOnnxRuntimeConfirms("mnistfc", $"onnx/mnist-net_{net}.onnx", $"vnnlib/{property}.vnnlib", listedAnswer, TimeSpan.FromSeconds(60));
}
