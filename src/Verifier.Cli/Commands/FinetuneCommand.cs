using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Verifier.Compute.Ilgpu;
using Verifier.Compute.Training;
using Verifier.Compute.Training.Certified;
using Verifier.Core.Analysis;
using Verifier.Core.Errors;
using Verifier.Core.Results;
using Verifier.Formats;
using Verifier.Formats.Idx;
using Verifier.Formats.Onnx;

namespace Verifier.Cli.Commands;

/// <summary>
/// `verify finetune MODEL`: adversarial training with PGD in the loop and/or training on exported counterexamples,
/// mixed with clean data; reports clean and PGD robust accuracy before and after, and writes the model as ONNX.
/// Robust accuracy here is an attack's upper bound, never a verification result.
/// </summary>
public static class FinetuneCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var dataset = new Option<string>("--dataset") { Description = Datasets.Description, Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training data.", DefaultValueFactory = _ => 2 };
        var eps = new Option<double?>("--eps") { Description = "Adversarial training: L-infinity radius of the PGD examples." };
        var pgdSteps = new Option<int>("--pgd-steps") { Description = "PGD steps per training example.", DefaultValueFactory = _ => 7 };
        var fraction = new Option<double>("--adv-fraction") { Description = "Share of each mini-batch replaced by PGD examples (1: Madry's pure adversarial training).", DefaultValueFactory = _ => 0.5 };
        var counterexamples = new Option<string[]>("--counterexamples")
        {
            Description = "Counterexamples to fix: a gate export folder (verify gate --export), its .json files or idx images, or RESULTFILE:LABEL. Repeatable.",
            AllowMultipleArgumentsPerToken = true,
        };
        var share = new Option<double>("--counterexample-share") { Description = "Share of training samples that are (repeated) counterexamples.", DefaultValueFactory = _ => 0.2 };
        var evalEps = new Option<double?>("--eval-eps") { Description = "Radius of the robust-accuracy PGD evaluation (default: --eps)." };
        var evalCount = new Option<int>("--eval-count") { Description = "Robust accuracy on the first N test images.", DefaultValueFactory = _ => 1000 };
        var evalSteps = new Option<int>("--eval-steps") { Description = "PGD steps of the evaluation (as verify attack --steps).", DefaultValueFactory = _ => 40 };
        var batch = new Option<int>("--batch") { Description = "Mini-batch size.", DefaultValueFactory = _ => 128 };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd (momentum 0.9) or adam.", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong("sgd", "adam");
        var lr = new Option<float?>("--lr") { Description = "Learning rate (default 0.0005 for adam, 0.01 for sgd), cosine-decayed over the epochs." };
        var limit = new Option<int?>("--limit") { Description = "Fine-tune on the first N training samples only." };
        var device = new Option<string>("--device") { Description = "cpu, cuda or auto (CUDA when present).", DefaultValueFactory = _ => "auto" };
        var seed = CommonOptions.Seed();
        var output = new Option<string>("--out") { Description = "Where to write the fine-tuned model (.onnx).", Required = true };
        var timeout = CommonOptions.Timeout();
        var json = CommonOptions.Json();
        var certified = CertifiedTrainingOptionSet.Create();
        var command = new Command("finetune", "Fine-tune a trained model: adversarial training (PGD in the loop), certified training and/or training on counterexamples.")
        {
            model, dataset, epochs, eps, pgdSteps, fraction, counterexamples, share, evalEps, evalCount, evalSteps, batch, optimizer, lr, limit,
            device, seed, output, timeout, json,
        };
        certified.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var settings = new Settings(parse.GetValue(model)!, parse.GetValue(dataset)!, parse.GetValue(epochs), parse.GetValue(eps), parse.GetValue(pgdSteps),
                parse.GetValue(fraction), parse.GetValue(counterexamples) ?? [], parse.GetValue(share), parse.GetValue(evalEps), parse.GetValue(evalCount),
                parse.GetValue(evalSteps), parse.GetValue(batch), parse.GetValue(optimizer)!, parse.GetValue(lr), parse.GetValue(limit),
                parse.GetValue(device)!, parse.GetValue(seed), parse.GetValue(output)!, parse.GetValue(timeout), parse.GetValue(json), certified.Read(parse));
            return Task.FromResult(Run(settings, cancellation));
        });
        return command;
    }

    private sealed record Settings(string Model, string Dataset, int Epochs, double? Eps, int PgdSteps, double Fraction, string[] Counterexamples,
        double Share, double? EvalEps, int EvalCount, int EvalSteps, int Batch, string Optimizer, float? LearningRate, int? Limit, string Device,
        int Seed, string Output, double? Timeout, bool Json, CertifiedTrainingOptions? Certified);

    private static int Run(Settings s, CancellationToken cancellation)
    {
        var rate = Validate(s);
        var clock = Stopwatch.StartNew();
        using var deadline = new Deadline(s.Timeout is { } seconds ? TimeSpan.FromSeconds(seconds) : Timeout.InfiniteTimeSpan, cancellation);

        var graph = ModelLoader.Load(s.Model);
        var folder = Datasets.Folder(s.Dataset);
        var trainSet = IdxDirectory.LoadTrain(folder);
        if (s.Limit is int n) trainSet = trainSet.Take(n);
        bool hasTest = IdxDirectory.HasSplit(folder, "t10k");
        var clean = LabelledData.FromIdx(trainSet);
        var test = hasTest ? LabelledData.FromIdx(IdxDirectory.LoadTest(folder)) : clean;

        using var backend = ComputeBackends.Create(s.Device);
        using var network = GraphImport.ToSequential(graph, backend, Math.Max(s.Batch, 256));
        CheckFits(network, clean, folder);
        CheckFits(network, test, folder);
        LabelledData? counterexamples = null;
        int skipped = 0;
        if (s.Counterexamples.Length > 0)
        {
            counterexamples = CounterexampleSet.Read(s.Counterexamples, network.InputShape, network.OutputSize, out skipped);
            if (counterexamples.Count == 0) throw new InputException("--counterexamples", $"no labelled counterexamples found ({skipped} without a label skipped)");
        }

        var options = new FineTuneOptions(new TrainingOptions(s.Epochs, s.Batch, s.Seed, s.Optimizer, rate) { ProgressInterval = TrainingDisplay.Interval(s.Json) })
        {
            Adversarial = s.Eps is { } e ? new AdversarialTrainingOptions(e, s.PgdSteps, s.Fraction, s.Seed) : null,
            Certified = s.Certified,
            CounterexampleShare = s.Share,
        };
        var evaluation = new ModelEvaluation(test, s.EvalCount, s.EvalEps ?? s.Eps ?? s.Certified?.Epsilon, s.EvalSteps, s.Seed, s.Certified?.Epsilon,
            s.Certified?.Method ?? CertifiedMethod.Ibp);
        var log = TrainingDisplay.Log(s.Json);
        if (!s.Json)
            log.WriteLine($"fine-tuning {network.Description} ({network.ParameterCount:N0} parameters) on {clean.Count} samples" +
                (counterexamples is null ? "" : $" and {counterexamples.Count} counterexamples") +
                (s.Eps is { } r ? $", PGD-{s.PgdSteps} at eps {Text(r)} on {s.Fraction:P0} of each batch" : "") +
                (s.Certified is { } c ? $", certified ({c.Method.Name()}) at eps {Text(c.Epsilon)}" : "") + $", {backend.Name}");

        FineTuneResult result;
        try
        {
            result = TrainingDisplay.Run(s.Json, "starting",
                (progress, stage) => FineTuner.Run(network, clean, counterexamples, options, evaluation, progress, deadline.Token, stage));
            deadline.Token.ThrowIfCancellationRequested();
            OnnxExporter.Write(GraphExport.ToGraph(network, s.Output), s.Output);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            Console.Error.WriteLine($"timeout: fine-tuning did not finish within {Text(s.Timeout ?? 0)} s; nothing written");
            return ExitCodes.Undecided;
        }
        Report(s, result, evaluation, hasTest, counterexamples?.Count ?? 0, skipped, backend.Name, clock.Elapsed.TotalSeconds);
        return ExitCodes.Holds;
    }

    /// <summary>Checks the options and returns the learning rate.</summary>
    private static float Validate(Settings s)
    {
        if (s.Eps is null && s.Certified is null && s.Counterexamples.Length == 0)
            throw new InputException("verify finetune", "give --eps (adversarial training), --certified (certified training) and/or --counterexamples");
        if (s.Epochs < 1) throw new InputException("--epochs", "must be at least 1");
        if (s.Eps is { } eps && !(eps > 0 && double.IsFinite(eps))) throw new InputException("--eps", "must be a positive number");
        if (s.EvalEps is { } evalEps && !(evalEps > 0 && double.IsFinite(evalEps))) throw new InputException("--eval-eps", "must be a positive number");
        if (s.PgdSteps < 1) throw new InputException("--pgd-steps", "must be at least 1");
        if (!(s.Fraction > 0 && s.Fraction <= 1)) throw new InputException("--adv-fraction", "must be in (0, 1]");
        if (!(s.Share > 0 && s.Share < 1)) throw new InputException("--counterexample-share", "must be in (0, 1)");
        if (s.EvalCount < 1) throw new InputException("--eval-count", "must be at least 1");
        if (s.EvalSteps < 1) throw new InputException("--eval-steps", "must be at least 1");
        if (s.Batch < 1 || s.Batch > 65536) throw new InputException("--batch", "must be between 1 and 65536");
        if (s.Limit is < 1) throw new InputException("--limit", "must be at least 1");
        if (s.Timeout is { } t && !(t > 0 && double.IsFinite(t))) throw new InputException("--timeout", "must be a positive number of seconds");
        float rate = s.LearningRate ?? (s.Optimizer == "adam" ? 5e-4f : 0.01f);
        if (!(rate > 0) || !float.IsFinite(rate)) throw new InputException("--lr", "must be a positive number");
        var outDir = Path.GetDirectoryName(Path.GetFullPath(s.Output))!;
        if (!Directory.Exists(outDir)) throw new InputException(s.Output, "the output folder does not exist");
        return rate;
    }

    private static void CheckFits(Sequential network, LabelledData data, string folder)
    {
        if (data.SampleSize != network.InputSize)
            throw new InputException(folder, $"samples have {data.SampleSize} values, the model takes {network.InputSize}");
        if (data.ClassCount > network.OutputSize)
            throw new InputException(folder, $"label {data.ClassCount - 1} is out of range for the model's {network.OutputSize} outputs");
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Report(Settings s, FineTuneResult r, ModelEvaluation evaluation, bool hasTest, int counterexamples, int skipped, string device, double seconds)
    {
        string evalSet = hasTest ? "test" : "train";
        int robustImages = Math.Min(evaluation.RobustCount, evaluation.Test.Count);
        if (s.Json)
        {
            Output.Json(new Summary(s.Model, s.Output, s.Dataset, device, s.Epochs, s.Eps, s.Eps is null ? null : s.PgdSteps, s.Eps is null ? null : s.Fraction,
                counterexamples, skipped, r.CounterexampleCopies, r.TrainingSamples, s.Seed, evalSet, evaluation.Test.Count,
                evaluation.Epsilon is null ? null : new RobustEvaluation(evaluation.Epsilon.Value, robustImages, evaluation.Steps, "pgd"),
                r.Before, r.After, r.Training.FinalLoss, r.Training.Seconds, seconds));
            return;
        }
        Console.WriteLine($"                 before    after   ({evalSet} set)");
        Console.WriteLine($"clean accuracy   {r.Before.CleanAccuracy,7:P2}  {r.After.CleanAccuracy,7:P2}   {evaluation.Test.Count} images");
        if (evaluation.Epsilon is { } eps)
            Console.WriteLine($"robust accuracy  {r.Before.RobustAccuracy,7:P2}  {r.After.RobustAccuracy,7:P2}   first {robustImages} images, PGD-{evaluation.Steps} eps {Text(eps)} (an upper bound: attacks prove nothing)");
        if (r.Before.BoundVerifiedAccuracy is { } vb)
            Console.WriteLine($"bound-verified   {vb,7:P2}  {r.After.BoundVerifiedAccuracy,7:P2}   first {robustImages} images, training-time {evaluation.BoundMethod.Name()} bounds at eps {Text(evaluation.BoundEpsilon!.Value)} (an estimate: verify gate proves)");
        if (r.Before.CounterexampleAccuracy is { } cb)
            Console.WriteLine($"counterexamples  {cb,7:P2}  {r.After.CounterexampleAccuracy,7:P2}   {counterexamples} classified as labelled ({r.CounterexampleCopies} copies each in training)");
        if (skipped > 0) Console.WriteLine($"skipped {skipped} counterexample description(s) without a label");
        Console.WriteLine($"{r.Training.Seconds:F1} s training, {seconds:F1} s in all  -> {s.Output}");
    }

    private sealed record RobustEvaluation(double Epsilon, int Images, int Steps, string Attack);

    private sealed record Summary(string Model, string Output, string Dataset, string Device, int Epochs, double? Eps, int? PgdSteps, double? AdvFraction,
        int Counterexamples, int SkippedCounterexamples, int CounterexampleCopies, int TrainingSamples, int Seed, string EvalSet, int EvalImages,
        RobustEvaluation? Robust, ModelScores Before, ModelScores After, double FinalLoss, double TrainingSeconds, double Seconds);
}
