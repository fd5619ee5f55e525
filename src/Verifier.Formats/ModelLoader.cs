using Verifier.Core.Errors;
using Verifier.Core.Graph;
using Verifier.Core.IO;
using Verifier.Formats.Keras;
using Verifier.Formats.Nnet;
using Verifier.Formats.Onnx;

namespace Verifier.Formats;

/// <summary>Loads a network from any supported model file, chosen by extension, within the memory and weight caps.</summary>
public static class ModelLoader
{
    public static NetworkGraph Load(string path, ModelLoadOptions? options = null)
    {
        options ??= ModelLoadOptions.Default;
        if (!File.Exists(path)) throw new InputException(path, "file not found");
        long fileBytes = InputFile.Length(path);
        if (fileBytes > options.MaxMemoryBytes)
            throw new InputException(path, $"loading the file needs at least its {ByteSize.Format(fileBytes)}, more than the memory cap of {ByteSize.Format(options.MaxMemoryBytes)}");
        var graph = Import(path, options);
        var estimate = MemoryEstimate.Of(graph, fileBytes, options.EvaluationBatch);
        if (estimate.Bytes > options.MaxMemoryBytes)
            throw new InputException(path, $"loading and evaluating the model needs an estimated {ByteSize.Format(estimate.Bytes)} ({estimate}), " +
                $"more than the memory cap of {ByteSize.Format(options.MaxMemoryBytes)}");
        return graph;
    }

    private static NetworkGraph Import(string path, ModelLoadOptions options) =>
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".onnx" => OnnxImporter.Load(path, options),
            ".nnet" => NnetImporter.Load(path, options),
            ".h5" or ".hdf5" or ".keras" => KerasImporter.Load(path, options),
            var ext => throw new InputException(path, $"unknown model format '{ext}' (expected .onnx, .nnet or .h5)"),
        };
}

/// <summary>Limits applied to untrusted model files.</summary>
public sealed record ModelLoadOptions
{
    public static readonly ModelLoadOptions Default = new();

    /// <summary>Largest accepted model file, in bytes.</summary>
    public long MaxFileBytes { get; init; } = 2L << 30;

    /// <summary>Largest accepted total number of weights.</summary>
    public long MaxParameters { get; init; } = 500_000_000;

    /// <summary>
    /// Cap on the estimated memory of loading and evaluating the model (<see cref="MemoryEstimate"/>). The default
    /// leaves a third of a 24 GiB machine to the system and the jobs beside this one.
    /// </summary>
    public long MaxMemoryBytes { get; init; } = 16L << 30;

    /// <summary>Samples the command evaluates at once; their activations count towards the memory estimate.</summary>
    public int EvaluationBatch { get; init; } = 1;

    /// <summary>The weights a model may hold: the weight cap, and the memory cap at <see cref="MemoryEstimate.BytesPerParameter"/> each.</summary>
    public long ParameterLimit => Math.Min(MaxParameters, MaxMemoryBytes / MemoryEstimate.BytesPerParameter);

    /// <summary>Names the binding cap for messages: "the limit of N weights" or the memory cap it derives from.</summary>
    public string ParameterLimitText => MaxParameters <= MaxMemoryBytes / MemoryEstimate.BytesPerParameter
        ? $"the limit of {MaxParameters:N0} weights"
        : $"{ParameterLimit:N0} weights, the most whose {MemoryEstimate.BytesPerParameter} bytes each fit the memory cap of {ByteSize.Format(MaxMemoryBytes)}";

    /// <summary>Directory ONNX external data may be read from; null rejects external data.</summary>
    public string? ExternalDataDirectory { get; init; }
}
