using Verifier.Core.Errors;
using Verifier.Core.Graph;
using Verifier.Formats.Keras;
using Verifier.Formats.Nnet;
using Verifier.Formats.Onnx;

namespace Verifier.Formats;

/// <summary>Loads a network from any supported model file, chosen by extension.</summary>
public static class ModelLoader
{
    public static NetworkGraph Load(string path, ModelLoadOptions? options = null)
    {
        options ??= ModelLoadOptions.Default;
        if (!File.Exists(path)) throw new InputException(path, "file not found");
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".onnx" => OnnxImporter.Load(path, options),
            ".nnet" => NnetImporter.Load(path, options),
            ".h5" or ".hdf5" or ".keras" => KerasImporter.Load(path, options),
            var ext => throw new InputException(path, $"unknown model format '{ext}' (expected .onnx, .nnet or .h5)"),
        };
    }
}

/// <summary>Limits applied to untrusted model files.</summary>
public sealed record ModelLoadOptions
{
    public static readonly ModelLoadOptions Default = new();

    /// <summary>Largest accepted model file, in bytes.</summary>
    public long MaxFileBytes { get; init; } = 2L << 30;

    /// <summary>Largest accepted total number of weights.</summary>
    public long MaxParameters { get; init; } = 500_000_000;

    /// <summary>Directory ONNX external data may be read from; null rejects external data.</summary>
    public string? ExternalDataDirectory { get; init; }
}
