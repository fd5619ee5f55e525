using System.CommandLine;
using System.Diagnostics;
using Verifier.Core.Errors;
using Verifier.Core.Evaluation;
using Verifier.Formats;
using Verifier.Formats.Idx;

namespace Verifier.Cli.Commands;

/// <summary>`verify eval MODEL --images IDX --labels IDX`: test accuracy with the exact float32 evaluator.</summary>
public static class EvalCommand
{
    private const int BatchSize = 500;

    public static Command Create()
    {
        var model = CommonOptions.Model();
        var images = new Option<string>("--images") { Description = "idx images file (.gz accepted).", Required = true };
        var labels = new Option<string>("--labels") { Description = "idx labels file (.gz accepted).", Required = true };
        var count = new Option<int?>("--count") { Description = "Evaluate only the first N images." };
        var scale = new Option<float>("--scale") { Description = "Pixel scale: input = pixel * scale.", DefaultValueFactory = _ => 1f / 255f };
        var timeout = CommonOptions.Timeout();
        var json = CommonOptions.Json();
        var limits = ModelLimitOptions.Create();
        var command = new Command("eval", "Accuracy of a classifier on an idx dataset, evaluated in float32 as the model computes.")
            { model, images, labels, count, scale, timeout, json };
        limits.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var clock = Stopwatch.StartNew();
            var graph = ModelLoader.Load(parse.GetValue(model)!, limits.Read(parse, BatchSize));
            var data = IdxReader.ReadDataset(parse.GetValue(images)!, parse.GetValue(labels)!);
            if (parse.GetValue(count) is { } n) data = data.Take(n);
            int inputSize = graph.InputShape.ElementCount, classes = graph.OutputShape.ElementCount;
            if (inputSize != data.ImageSize)
                throw new InputException(parse.GetValue(images)!, $"images have {data.ImageSize} pixels, {graph.Source} takes {inputSize} inputs ({graph.InputShape})");
            if (data.ClassCount > classes)
                throw new InputException(parse.GetValue(labels)!, $"label {data.ClassCount - 1} is out of range for {classes} outputs");
            var loadSeconds = clock.Elapsed.TotalSeconds;
            var pixels = data.ToFloat32(parse.GetValue(scale));
            int correct = 0;
            for (int start = 0; start < data.Count; start += BatchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                int batch = Math.Min(BatchSize, data.Count - start);
                var logits = Evaluator.EvaluateBatch(graph, pixels[(start * inputSize)..((start + batch) * inputSize)], batch);
                for (int s = 0; s < batch; s++)
                    if (ArgMax(logits.AsSpan(s * classes, classes)) == data.Labels[start + s]) correct++;
            }
            double accuracy = data.Count == 0 ? 0 : (double)correct / data.Count;
            var seconds = clock.Elapsed.TotalSeconds;
            if (parse.GetValue(json))
                Output.Json(new { Model = graph.Source, Images = data.Count, Correct = correct, Accuracy = accuracy, Seconds = Math.Round(seconds, 3), LoadSeconds = Math.Round(loadSeconds, 3) });
            else
                Output.Answer(() => Console.WriteLine($"accuracy {accuracy * 100:F2} % ({correct}/{data.Count}) in {seconds:F2} s"));
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>Index of the largest value; the first one on ties, as argmax does.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
