using Verifier.Compute.Attacks;
using Verifier.Core.Evaluation;
using Verifier.Core.Graph;

namespace Verifier.Compute.Training;

/// <summary>How a model is scored before and after fine-tuning.</summary>
/// <param name="Test">Samples for clean accuracy.</param>
/// <param name="RobustCount">Robust accuracy is measured on the first this many samples of <paramref name="Test"/>.</param>
/// <param name="Epsilon">L-infinity radius of the PGD evaluation; null: no robust accuracy.</param>
/// <param name="BoundEpsilon">Radius at which the share proven robust by the training-time bounds is measured, on the same images; null: not measured.</param>
/// <param name="BoundMethod">Which training-time bounds (CROWN-IBP counts a margin proven by its CROWN or its IBP bound).</param>
public sealed record ModelEvaluation(LabelledData Test, int RobustCount, double? Epsilon, int Steps = 40, int Seed = 0, double? BoundEpsilon = null,
    Certified.CertifiedMethod BoundMethod = Certified.CertifiedMethod.Ibp);

/// <param name="CounterexampleAccuracy">Share of the fine-tuning counterexamples classified as their label; null without any.</param>
/// <param name="BoundVerifiedAccuracy">Share the training-time interval bounds count as robust (float32, no outward rounding: an estimate that the verifier settles).</param>
public sealed record ModelScores(double CleanAccuracy, double? RobustAccuracy, double? CounterexampleAccuracy, double? BoundVerifiedAccuracy = null);

public sealed record FineTuneOptions(TrainingOptions Training)
{
    /// <summary>PGD in the loop; null trains on the clean (and counterexample) samples only.</summary>
    public AdversarialTrainingOptions? Adversarial { get; init; }

    /// <summary>Certified training: the loss is taken over bounds of the whole eps-ball; null trains on points only.</summary>
    public Certified.CertifiedTrainingOptions? Certified { get; init; }

    /// <summary>
    /// Share of the training samples that are counterexamples: the few counterexamples are repeated until they make
    /// up about this share, and the clean data keeps the rest so clean accuracy does not collapse.
    /// </summary>
    public double CounterexampleShare { get; init; } = 0.2;
}

public sealed record FineTuneResult(ModelScores Before, ModelScores After, TrainingResult Training, int TrainingSamples, int CounterexampleCopies);

/// <summary>
/// Fine-tunes a trained model: adversarial training with PGD in the loop, and/or training on given counterexamples
/// mixed with clean data, scored before and after (clean accuracy, PGD robust accuracy, accuracy on the
/// counterexamples). Scores are taken on the exported graph with the float32 evaluator and the attack that
/// `verify eval` and `verify attack` use, so they match what those commands report for the written model.
/// </summary>
public static class FineTuner
{
    private const int EvaluationBatch = 500;

    /// <param name="stage">Told when scoring before, training, and scoring after begin (scoring can take a while).</param>
    public static FineTuneResult Run(Sequential model, LabelledData clean, LabelledData? counterexamples, FineTuneOptions options,
        ModelEvaluation evaluation, Action<TrainingProgress>? progress = null, CancellationToken cancel = default, Action<string>? stage = null)
    {
        if (!(options.CounterexampleShare > 0 && options.CounterexampleShare < 1))
            throw new ArgumentException($"the counterexample share must be in (0, 1), got {options.CounterexampleShare}");
        stage?.Invoke("scoring before fine-tuning");
        var before = Score(model, evaluation, counterexamples, cancel);
        int copies = counterexamples is { Count: > 0 } cx ? Copies(clean.Count, cx.Count, options.CounterexampleShare) : 0;
        var data = copies > 0 ? clean.WithRepeated(counterexamples!, copies) : clean;
        using var adversarial = options.Adversarial is { } a ? new AdversarialBatches(model, a) : null;
        using var certified = options.Certified is { } c ? new Certified.CertifiedObjective(model, c) : null;
        stage?.Invoke("fine-tuning");
        var training = Trainer.Train(model, data, options.Training, progress, cancel, adversarial, certified);
        stage?.Invoke("scoring after fine-tuning");
        var after = Score(model, evaluation, counterexamples, cancel);
        return new FineTuneResult(before, after, training, data.Count, copies);
    }

    /// <summary>Copies of the counterexamples so that they make up about <paramref name="share"/> of the training samples.</summary>
    private static int Copies(int clean, int counterexamples, double share) =>
        Math.Max(1, (int)Math.Round(share * clean / ((1 - share) * counterexamples)));

    public static ModelScores Score(Sequential model, ModelEvaluation evaluation, LabelledData? counterexamples, CancellationToken cancel = default)
    {
        var graph = GraphExport.ToGraph(model);
        double clean = Accuracy(graph, evaluation.Test, cancel);
        double? robust = null;
        if (evaluation.Epsilon is { } eps)
        {
            var subset = evaluation.Test.Take(evaluation.RobustCount);
            var options = new AttackOptions(eps) { Steps = evaluation.Steps, Seed = evaluation.Seed };
            robust = Pgd.Run(graph, subset.Features, subset.Labels, options, cancel).RobustAccuracy;
        }
        double? onCounterexamples = counterexamples is { Count: > 0 } cx ? Accuracy(graph, cx, cancel) : null;
        double? bounded = null;
        if (evaluation.BoundEpsilon is { } boundEps)
        {
            using var bounds = new Certified.CertifiedBounds(model, evaluation.BoundMethod);
            bounded = bounds.VerifiedAccuracy(evaluation.Test.Take(evaluation.RobustCount), boundEps, cancel);
        }
        return new ModelScores(clean, robust, onCounterexamples, bounded);
    }

    /// <summary>Accuracy in float32 with the graph evaluator, as `verify eval` computes it.</summary>
    public static double Accuracy(NetworkGraph graph, LabelledData data, CancellationToken cancel = default)
    {
        if (data.Count == 0) return 0;
        int classes = graph.OutputShape.ElementCount, correct = 0;
        for (int start = 0; start < data.Count; start += EvaluationBatch)
        {
            cancel.ThrowIfCancellationRequested();
            int batch = Math.Min(EvaluationBatch, data.Count - start);
            var logits = Evaluator.EvaluateBatch(graph, data.Features[(start * data.SampleSize)..((start + batch) * data.SampleSize)], batch);
            for (int s = 0; s < batch; s++)
                if (Trainer.ArgMax(logits.AsSpan(s * classes, classes)) == data.Labels[start + s]) correct++;
        }
        return (double)correct / data.Count;
    }
}
