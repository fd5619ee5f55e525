using Verifier.Pipeline;

namespace Verifier.Tests.Complete;

/// <summary>
/// Shared VNN-COMP verivital instances of the CNN with Pad and AveragePool, falsified by the attack (its gradient
/// runs through Pad), witnesses confirmed by ONNX Runtime. Attack only: through the full pipeline, two runs of both
/// on the shared 2-core machine (load average 40-50) gave one falsified (prop 4, 0.9 s) and three timeouts at 60 s;
/// the attack alone took 1 and 5 s.
/// </summary>
public class VerivitalInstanceTests
{
    [Theory]
    [InlineData("prop_4_0.02")]
    [InlineData("prop_10_0.02")]
    public void AveragePoolNetworkIsFalsifiedAsOnnxRuntimeConfirms(string property) =>
        SharedInstance.FalsifiedAsOnnxRuntimeConfirms("verivital", "Convnet_avgpool.onnx", $"specs/avgpool_specs/{property}.vnnlib", "sat", TimeSpan.FromSeconds(60),
            [AnalysisMethod.Attack]);
}
