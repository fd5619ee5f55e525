using Microsoft.ML.OnnxRuntime;

namespace Verifier.Tests.Onnx;

/// <summary>The reference: ONNX Runtime on the CPU, graph optimisations off so it computes the file as written.</summary>
internal sealed class OrtModel : IDisposable
{
    private readonly SessionOptions _options = new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
        IntraOpNumThreads = 1,
    };
    private readonly RunOptions _run = new();
    private readonly InferenceSession _session;

    public OrtModel(string path)
    {
        _session = new InferenceSession(path, _options);
        InputName = _session.InputMetadata.Keys.Single();
        OutputName = _session.OutputMetadata.Keys.First();
    }

    public string InputName { get; }
    public string OutputName { get; }

    public (float[] Values, long[] Shape) Run(float[] input, IEnumerable<int> shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape.Select(d => (long)d).ToArray());
        using var results = _session.Run(_run, [InputName], [value], [OutputName]);
        return (results[0].GetTensorDataAsSpan<float>().ToArray(), results[0].GetTensorTypeAndShape().Shape);
    }

    public void Dispose()
    {
        _session.Dispose();
        _run.Dispose();
        _options.Dispose();
    }
}
