using System.CommandLine;
using Verifier.Compute.Ilgpu;
using Verifier.Compute.Training;
using Verifier.Compute.Training.Certified;
using Verifier.Core.Errors;
using Verifier.Formats.Idx;
using Verifier.Formats.Onnx;

namespace Verifier.Cli.Commands;

/// <summary>
/// `verify train`: trains an MLP or CNN on an idx image dataset and writes it as ONNX, ready for verification.
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = Datasets.Description, Required = true };
        var arch = new Option<string>("--arch") { Description = "mlp, cnn, or layers such as \"dense:256,relu,dense:10\" (conv:F:K[:S[:P]], maxpool:K[:S], flatten).", DefaultValueFactory = _ => "mlp" };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 5 };
        var batch = new Option<int>("--batch") { Description = "Mini-batch size.", DefaultValueFactory = _ => 128 };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd (momentum 0.9) or adam.", DefaultValueFactory = _ => "adam" };
        var lr = new Option<float?>("--lr") { Description = "Learning rate (default 0.001 for adam, 0.05 for sgd)." };
        var seed = CommonOptions.Seed();
        var output = new Option<string>("--out") { Description = "Where to write the trained model (.onnx).", Required = true };
        var device = new Option<string>("--device") { Description = "cpu, cuda or auto (CUDA when present).", DefaultValueFactory = _ => "auto" };
        var limit = new Option<int?>("--limit") { Description = "Train on the first N samples only (quick runs)." };
        var evalCount = new Option<int>("--eval-count") { Description = "With --certified: PGD-40 and bound-verified accuracy on the first N test images.", DefaultValueFactory = _ => 1000 };
        var timeout = CommonOptions.Timeout();
        var json = CommonOptions.Json();
        var certified = CertifiedTrainingOptionSet.Create();
        var command = new Command("train", "Train a classifier on an idx dataset and export it as ONNX (nothing is written on timeout or Ctrl-C).")
            { dataset, arch, epochs, batch, optimizer, lr, seed, output, device, limit, evalCount, timeout, json };
        certified.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var settings = new Settings(parse.GetValue(dataset)!, parse.GetValue(arch)!, parse.GetValue(epochs), parse.GetValue(batch),
                parse.GetValue(optimizer)!.ToLowerInvariant(), parse.GetValue(lr), parse.GetValue(seed), parse.GetValue(output)!,
                parse.GetValue(device)!, parse.GetValue(limit), parse.GetValue(json), certified.Read(parse), parse.GetValue(evalCount));
            return Task.FromResult(Run(settings, cancellation));
        });
        return command;
    }

    private sealed record Settings(string Dataset, string Arch, int Epochs, int Batch, string Optimizer, float? LearningRate, int Seed,
        string Output, string Device, int? Limit, bool Json, CertifiedTrainingOptions? Certified, int EvalCount);

    private static int Run(Settings s, CancellationToken cancellation)
    {
        if (s.Epochs < 1) throw new InputException("--epochs", "must be at least 1");
        if (s.Batch < 1 || s.Batch > 65536) throw new InputException("--batch", "must be between 1 and 65536");
        if (s.EvalCount < 1) throw new InputException("--eval-count", "must be at least 1");
        if (s.Optimizer is not ("sgd" or "adam")) throw new InputException("--optimizer", $"unknown optimizer '{s.Optimizer}' (expected sgd or adam)");
        float rate = s.LearningRate ?? (s.Optimizer == "adam" ? 1e-3f : 0.05f);
        if (!(rate > 0) || !float.IsFinite(rate)) throw new InputException("--lr", "must be a positive number");
        var outDir = Path.GetDirectoryName(Path.GetFullPath(s.Output))!;
        if (!Directory.Exists(outDir)) throw new InputException(s.Output, "the output folder does not exist");

        var folder = Datasets.Folder(s.Dataset);
        var trainSet = IdxDirectory.LoadTrain(folder);
        if (s.Limit is int n) trainSet = trainSet.Take(n < 1 ? throw new InputException("--limit", "must be at least 1") : n);
        var testSet = IdxDirectory.HasSplit(folder, "t10k") ? LabelledData.FromIdx(IdxDirectory.LoadTest(folder)) : null;
        var train = LabelledData.FromIdx(trainSet);
        int classes = Math.Max(train.ClassCount, testSet?.ClassCount ?? 0);
        var specs = LayerSpec.Architecture(s.Arch, classes);

        using var backend = ComputeBackends.Create(s.Device);
        using var model = Sequential.Create(backend, train.SampleShape, specs, Math.Max(s.Batch, 256), s.Seed);
        if (model.OutputSize < classes) throw new InputException("--arch", $"the last layer has {model.OutputSize} outputs but the dataset has {classes} classes");
        var options = new TrainingOptions(s.Epochs, s.Batch, s.Seed, s.Optimizer, rate) { ProgressInterval = TrainingDisplay.Interval(s.Json) };
        var log = TrainingDisplay.Log(s.Json);
        if (!s.Json)
            log.WriteLine($"training {model.Description} ({model.ParameterCount:N0} parameters) on {train.Count} samples, {backend.Name}" +
                (s.Certified is { } c ? $", certified ({c.Method.Name()}) at eps {c.Epsilon:G}" : ""));
        using var objective = s.Certified is { } certified ? new CertifiedObjective(model, certified) : null;
        var result = TrainingDisplay.Run(s.Json, "epoch 1", (progress, _) => Trainer.Train(model, train, options, progress, cancellation, objective: objective));

        double trainAccuracy = Trainer.Accuracy(model, train);
        double? testAccuracy = testSet is null ? null : Trainer.Accuracy(model, testSet);
        var robustness = s.Certified is { } r ? CertifiedScores(model, testSet ?? train, r, s, log, cancellation) : null;
        cancellation.ThrowIfCancellationRequested(); // a model is written only by a run that finished in time
        OnnxExporter.Write(GraphExport.ToGraph(model, s.Output), s.Output);
        var summary = new Summary(folder, model.Description, backend.Name, model.ParameterCount, s.Epochs, s.Batch, s.Optimizer, rate, s.Seed,
            train.Count, testSet?.Count, trainAccuracy, testAccuracy, result.FinalLoss, result.Seconds, result.SamplesPerSecond, s.Output, robustness);
        if (s.Json) Output.Json(summary);
        else
            Output.Answer(() =>
            {
                log.WriteLine($"train accuracy {trainAccuracy:P2}{(testAccuracy is double t ? $"  test accuracy {t:P2}" : "")}  " +
                    $"{result.Seconds:F1}s  {result.SamplesPerSecond:N0} samples/s  -> {s.Output}");
                if (robustness is { } q)
                    log.WriteLine($"at eps {q.Epsilon:G} on the first {q.Images} {(testSet is null ? "training" : "test")} images: PGD-40 robust accuracy {q.PgdRobust:P2} " +
                        $"(an upper bound), verified by the training-time {q.Method} bounds {q.BoundVerified:P2} (an estimate; `verify gate` proves)");
            });
        return 0;
    }

    /// <summary>PGD-40 robust accuracy and the share the training-time bounds verify, on the first --eval-count images.</summary>
    private static CertifiedRobustness CertifiedScores(Sequential model, LabelledData data, CertifiedTrainingOptions certified, Settings s, TextWriter log,
        CancellationToken cancellation)
    {
        int images = Math.Min(s.EvalCount, data.Count);
        double eps = certified.Epsilon;
        if (!s.Json) log.WriteLine($"scoring robustness at eps {eps:G} on {images} images");
        var scores = FineTuner.Score(model, new ModelEvaluation(data, images, eps, 40, s.Seed, eps, certified.Method), null, cancellation);
        return new CertifiedRobustness(certified.Method.Name(), eps, images, scores.RobustAccuracy!.Value, scores.BoundVerifiedAccuracy!.Value);
    }

    private sealed record CertifiedRobustness(string Method, double Epsilon, int Images, double PgdRobust, double BoundVerified);

    private sealed record Summary(string Dataset, string Architecture, string Device, long Parameters, int Epochs, int Batch, string Optimizer,
        float LearningRate, int Seed, int TrainSamples, int? TestSamples, double TrainAccuracy, double? TestAccuracy, double FinalLoss,
        double Seconds, double SamplesPerSecond, string Output, CertifiedRobustness? Certified);
}
