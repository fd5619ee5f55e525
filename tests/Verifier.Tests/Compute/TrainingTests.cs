using Verifier.Compute.Backends;
using Verifier.Compute.Training;
using Verifier.Core.Evaluation;

namespace Verifier.Tests.Compute;

public sealed class TrainingTests
{
    /// <summary>Two separable classes of 1x8x8 images: a bright left or a bright right half, with noise.</summary>
    internal static LabelledData Synthetic(int count, int seed)
    {
        var random = new Random(seed);
        var features = new float[count * 64];
        var labels = new int[count];
        for (int s = 0; s < count; s++)
        {
            labels[s] = s % 2;
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 8; x++)
                    features[s * 64 + y * 8 + x] = (float)random.NextDouble() * 0.5f + ((x < 4) == (labels[s] == 0) ? 0.5f : 0f);
        }
        return new LabelledData(features, labels, [1, 8, 8]);
    }

    private const string SmallCnn = "conv:4:3,relu,maxpool:2,flatten,dense:8,relu,dense:2";

    private static float[][] TrainedWeights(int seed, string optimizer)
    {
        using var model = Sequential.Create(new CpuBackend(), [1, 8, 8], LayerSpec.ParseList(SmallCnn), 32, seed);
        Trainer.Train(model, Synthetic(200, 7), new TrainingOptions(2, 32, seed, optimizer, optimizer == "sgd" ? 0.05f : 0.01f));
        return model.Parameters.Select(p => p.Value.ToArray()).ToArray();
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    public void FixedSeedIsBitIdenticalAndOtherSeedDiffers(string optimizer)
    {
        var first = TrainedWeights(3, optimizer);
        var second = TrainedWeights(3, optimizer);
        Assert.Equal(first.Length, second.Length);
        for (int i = 0; i < first.Length; i++) Assert.Equal(first[i], second[i]);
        Assert.NotEqual(first[0], TrainedWeights(4, optimizer)[0]);
    }

    [Fact]
    public void LearnsSeparableDataAndReportsProgress()
    {
        using var model = Sequential.Create(new CpuBackend(), [1, 8, 8], LayerSpec.Architecture("mlp", 2), 50, 1);
        var reports = new List<TrainingProgress>();
        var result = Trainer.Train(model, Synthetic(300, 1), new TrainingOptions(3, 50, 1), reports.Add);
        Assert.Equal(900, result.Samples);
        Assert.Equal(3, reports.Count(r => r.EpochDone));
        Assert.True(reports[^1].Loss < reports[0].Loss, $"loss did not fall: {reports[0].Loss} -> {reports[^1].Loss}");
        Assert.True(Trainer.Accuracy(model, Synthetic(100, 2)) >= 0.95);
    }

    [Theory]
    [InlineData(SmallCnn)]
    [InlineData("conv:3:3:2:1,relu,conv:2:2,maxpool:2:1,dense:3")]
    [InlineData("dense:16,relu,dense:3")]
    public void ExportedGraphComputesWhatTheEngineComputes(string spec)
    {
        using var model = Sequential.Create(new CpuBackend(), [1, 8, 8], LayerSpec.ParseList(spec), 16, 5);
        var data = Synthetic(40, 3);
        Trainer.Train(model, data, new TrainingOptions(1, 16, 5));
        var graph = GraphExport.ToGraph(model);
        var engine = model.Predict(data.Features, data.Count);
        var evaluated = Evaluator.EvaluateBatch(graph, data.Features, data.Count);
        Assert.Equal(engine.Length, evaluated.Length);
        for (int i = 0; i < engine.Length; i++) Assert.Equal(engine[i], evaluated[i], 1e-5);
    }

    [Fact]
    public void BadArchitecturesAreInputErrors()
    {
        Assert.Throws<Verifier.Core.Errors.InputException>(() => LayerSpec.ParseList("dense:0"));
        Assert.Throws<Verifier.Core.Errors.InputException>(() => LayerSpec.ParseList("softmax"));
        Assert.Throws<Verifier.Core.Errors.InputException>(() => Sequential.Create(new CpuBackend(), [1, 4, 4], LayerSpec.ParseList("conv:2:5"), 4, 0));
        Assert.Throws<Verifier.Core.Errors.InputException>(() => Sequential.Create(new CpuBackend(), [1, 4, 4], LayerSpec.ParseList("dense:3,maxpool:2"), 4, 0));
    }
}
