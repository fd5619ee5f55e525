using System.CommandLine;
using Verifier.Compute.Ilgpu;
using Verifier.Compute.Training;
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
        var timeout = CommonOptions.Timeout();
        var json = CommonOptions.Json();
        var command = new Command("train", "Train a classifier on an idx dataset and export it as ONNX (nothing is written on timeout or Ctrl-C).")
            { dataset, arch, epochs, batch, optimizer, lr, seed, output, device, limit, timeout, json };
        command.SetAction((parse, cancellation) =>
        {
            var settings = new Settings(parse.GetValue(dataset)!, parse.GetValue(arch)!, parse.GetValue(epochs), parse.GetValue(batch),
                parse.GetValue(optimizer)!.ToLowerInvariant(), parse.GetValue(lr), parse.GetValue(seed), parse.GetValue(output)!,
                parse.GetValue(device)!, parse.GetValue(limit), parse.GetValue(json));
            return Task.FromResult(Run(settings, cancellation));
        });
        return command;
    }

    private sealed record Settings(string Dataset, string Arch, int Epochs, int Batch, string Optimizer, float? LearningRate, int Seed,
        string Output, string Device, int? Limit, bool Json);

    private static int Run(Settings s, CancellationToken cancellation)
    {
        if (s.Epochs < 1) throw new InputException("--epochs", "must be at least 1");
        if (s.Batch < 1 || s.Batch > 65536) throw new InputException("--batch", "must be between 1 and 65536");
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
        if (!s.Json) log.WriteLine($"training {model.Description} ({model.ParameterCount:N0} parameters) on {train.Count} samples, {backend.Name}");
        var result = TrainingDisplay.Run(s.Json, "epoch 1", (progress, _) => Trainer.Train(model, train, options, progress, cancellation));

        double trainAccuracy = Trainer.Accuracy(model, train);
        double? testAccuracy = testSet is null ? null : Trainer.Accuracy(model, testSet);
        cancellation.ThrowIfCancellationRequested(); // a model is written only by a run that finished in time
        OnnxExporter.Write(GraphExport.ToGraph(model, s.Output), s.Output);
        var summary = new Summary(folder, model.Description, backend.Name, model.ParameterCount, s.Epochs, s.Batch, s.Optimizer, rate, s.Seed,
            train.Count, testSet?.Count, trainAccuracy, testAccuracy, result.FinalLoss, result.Seconds, result.SamplesPerSecond, s.Output);
        if (s.Json) Output.Json(summary);
        else
            Output.Answer(() => log.WriteLine($"train accuracy {trainAccuracy:P2}{(testAccuracy is double t ? $"  test accuracy {t:P2}" : "")}  " +
                $"{result.Seconds:F1}s  {result.SamplesPerSecond:N0} samples/s  -> {s.Output}"));
        return 0;
    }

    private sealed record Summary(string Dataset, string Architecture, string Device, long Parameters, int Epochs, int Batch, string Optimizer,
        float LearningRate, int Seed, int TrainSamples, int? TestSamples, double TrainAccuracy, double? TestAccuracy, double FinalLoss,
        double Seconds, double SamplesPerSecond, string Output);
}
