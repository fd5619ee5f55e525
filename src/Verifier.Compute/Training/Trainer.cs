using System.Diagnostics;
using Verifier.Compute.Backends;

namespace Verifier.Compute.Training;

public sealed record TrainingOptions(int Epochs, int BatchSize, int Seed, string Optimizer = "adam", float LearningRate = 1e-3f)
{
    /// <summary>
    /// Cosine decay of the learning rate per epoch (from the full rate in epoch 1 towards 0), which settles the
    /// weights at the end of a short run; false keeps it constant.
    /// </summary>
    public bool CosineDecay { get; init; } = true;

    public float RateForEpoch(int epoch) =>
        CosineDecay ? (float)(LearningRate * 0.5 * (1 + Math.Cos(Math.PI * (epoch - 1) / Epochs))) : LearningRate;

    /// <summary>How often the progress callback runs (it also runs at the end of every epoch).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>A snapshot for progress displays. Loss is the mean over the batches of the current epoch so far.</summary>
public sealed record TrainingProgress(int Epoch, int Epochs, long Samples, long TotalSamples, double Loss, double Seconds, bool EpochDone);

public sealed record TrainingResult(int Epochs, long Samples, double FinalLoss, double Seconds)
{
    public double SamplesPerSecond => Seconds > 0 ? Samples / Seconds : 0;
}

/// <summary>
/// Rewrites a shuffled mini-batch in place before each training step: adversarial training replaces rows with
/// attacks on the current weights. Called in batch order, so a seeded transform keeps training deterministic.
/// </summary>
public interface IBatchTransform
{
    /// <param name="inputs">The batch's samples, row after row (at least <paramref name="count"/> rows).</param>
    void Apply(Sequential model, float[] inputs, int[] labels, int count);
}

/// <summary>
/// Mini-batch training with softmax cross-entropy. Shuffling uses a Random seeded from the options, and every
/// backend kernel reduces in a fixed order, so a CPU run with the same seed gives bit-identical weights.
/// </summary>
public static class Trainer
{
    /// <param name="objective">The loss; null: softmax cross-entropy of the logits. Not disposed here.</param>
    public static TrainingResult Train(Sequential model, LabelledData data, TrainingOptions options,
        Action<TrainingProgress>? progress = null, CancellationToken cancel = default, IBatchTransform? transform = null,
        ITrainingObjective? objective = null)
    {
        if (data.SampleSize != model.InputSize) throw new ArgumentException($"samples of {data.SampleSize} values do not fit a model input of {model.InputSize}");
        if (data.ClassCount > model.OutputSize) throw new ArgumentException($"labels go up to {data.ClassCount - 1} but the model has {model.OutputSize} outputs");
        if (options.Epochs <= 0 || options.BatchSize <= 0 || options.BatchSize > model.MaxBatch)
            throw new ArgumentOutOfRangeException(nameof(options), "epochs and batch size must be positive and the batch at most the model's");
        var backend = model.Backend;
        using var optimizer = Optimizer.Create(options.Optimizer, backend, options.LearningRate);
        using var crossEntropy = objective is null ? new CrossEntropyObjective(model) : null;
        var loss = objective ?? crossEntropy!;
        var random = new Random(options.Seed);
        var order = Enumerable.Range(0, data.Count).ToArray();
        var batchInputs = new float[options.BatchSize * data.SampleSize];
        var batchLabels = new int[options.BatchSize];
        var clock = Stopwatch.StartNew();
        var nextReport = options.ProgressInterval;
        long samples = 0, total = (long)options.Epochs * data.Count;
        double lastLoss = double.NaN;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            random.Shuffle(order);
            optimizer.LearningRate = options.RateForEpoch(epoch);
            double lossSum = 0;
            int batches = 0;
            for (int start = 0; start < data.Count; start += options.BatchSize)
            {
                cancel.ThrowIfCancellationRequested();
                int batch = Math.Min(options.BatchSize, data.Count - start);
                for (int i = 0; i < batch; i++)
                {
                    int s = order[start + i];
                    data.Features.AsSpan(s * data.SampleSize, data.SampleSize).CopyTo(batchInputs.AsSpan(i * data.SampleSize));
                    batchLabels[i] = data.Labels[s];
                }
                transform?.Apply(model, batchInputs, batchLabels, batch);
                lossSum += loss.Step(model, batchInputs, batchLabels, batch, (double)samples / total);
                batches++;
                optimizer.Step(model.Parameters);
                samples += batch;
                bool epochDone = start + batch >= data.Count;
                if (progress is not null && (epochDone || clock.Elapsed >= nextReport))
                {
                    backend.Synchronize();
                    progress(new TrainingProgress(epoch, options.Epochs, samples, total, lossSum / batches, clock.Elapsed.TotalSeconds, epochDone));
                    nextReport = clock.Elapsed + options.ProgressInterval;
                }
            }
            lastLoss = lossSum / Math.Max(1, batches);
        }
        backend.Synchronize();
        return new TrainingResult(options.Epochs, samples, lastLoss, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Fraction of samples whose largest logit is the label (ties go to the lower class).</summary>
    public static double Accuracy(Sequential model, LabelledData data)
    {
        if (data.Count == 0) return 0;
        var logits = model.Predict(data.Features, data.Count);
        int correct = 0, classes = model.OutputSize;
        for (int s = 0; s < data.Count; s++)
            if (ArgMax(logits.AsSpan(s * classes, classes)) == data.Labels[s]) correct++;
        return (double)correct / data.Count;
    }

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
