using Verifier.Tests.Support;

namespace Verifier.Tests.Gate;

/// <summary>Writes gate configs over the shared benchmark files into a fresh temporary folder.</summary>
public sealed class GateTestFiles : IDisposable
{
    private readonly TempDirectory _dir = new();

    public static string Acas(string net) => SharedData.Benchmarks("acasxu", "onnx", $"ACASXU_run2a_{net}_batch_2000.onnx");
    public static string AcasProperty(int p) => SharedData.Benchmarks("acasxu", "vnnlib", $"prop_{p}.vnnlib");
    public static string MnistImages => SharedData.Path("data", "mnist", "t10k-images-idx3-ubyte.gz");
    public static string MnistLabels => SharedData.Path("data", "mnist", "t10k-labels-idx1-ubyte.gz");
    public static string MnistNet => SharedData.Benchmarks("mnistfc", "onnx", "mnist-net_256x2.onnx");

    public string Write(string name, string yaml) => _dir.Write(name, yaml);

    public string File_(string name) => _dir.Path(name);

    /// <summary>ACAS Xu net 1_9: properties 3 and 4 are violated (VNN-COMP answers), sampling finds both.</summary>
    public string FailingConfig() => Write("failing.yaml", $"""
        version: 1
        seed: 3
        checks:
          - name: acas-1-9
            model: {Acas("1_9")}
            vnnlib: [{AcasProperty(3)}, {AcasProperty(4)}]
            methods: [attack]
            timeout: 5
        """);

    public void Dispose() => _dir.Dispose();
}
