using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Verifier.Compute.Backends;
using Verifier.Compute.Training;
using Verifier.Core.Evaluation;
using Verifier.Formats;
using Verifier.Formats.Onnx;

using Verifier.Tests.Support;

namespace Verifier.Tests.Compute;

/// <summary>A trained model exported to ONNX computes, in ONNX Runtime and in our importer, what the engine computes.</summary>
public sealed class OnnxExportTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("conv:4:3:1:1,relu,maxpool:2,conv:3:3,relu,flatten,dense:5,relu,dense:2")]
    [InlineData("dense:12,relu,dense:8,relu,dense:2")]
    public void OnnxRuntimeAndImporterMatchTheEngine(string spec)
    {
        var data = TrainingTests.Synthetic(16, 4);
        using var model = Sequential.Create(new CpuBackend(), [1, 8, 8], LayerSpec.ParseList(spec), 16, 8);
        Trainer.Train(model, data, new TrainingOptions(2, 8, 8));
        var engine = model.Predict(data.Features, data.Count);
        var path = _temp.Path("model.onnx");
        OnnxExporter.Write(GraphExport.ToGraph(model), path);

        var imported = ModelLoader.Load(path);
        var ours = Evaluator.EvaluateBatch(imported, data.Features, data.Count);
        using var session = new InferenceSession(path);
        var input = session.InputMetadata.Keys.Single();
        int[] dims = [1, .. model.InputShape];
        for (int s = 0; s < data.Count; s++)
        {
            var sample = data.Features.AsMemory(s * model.InputSize, model.InputSize).ToArray();
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(input, new DenseTensor<float>(sample, dims))]);
            var ort = results.Single().AsEnumerable<float>().ToArray();
            Assert.Equal(model.OutputSize, ort.Length);
            for (int j = 0; j < ort.Length; j++)
            {
                float expected = engine[s * model.OutputSize + j];
                Assert.True(Math.Abs(ort[j] - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"ORT sample {s} output {j}: {ort[j]} vs {expected}");
                Assert.True(Math.Abs(ours[s * model.OutputSize + j] - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"importer sample {s} output {j}");
            }
        }
    }
}
