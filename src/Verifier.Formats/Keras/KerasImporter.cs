using System.Text.Json;
using PureHDF;
using Verifier.Core.Errors;
using Verifier.Core.Graph;
using Verifier.Core.IO;

namespace Verifier.Formats.Keras;

/// <summary>
/// Keras 2 HDF5 models (<c>model.save("m.h5")</c>): the architecture is the JSON in the root attribute
/// <c>model_config</c>, the weights live under <c>model_weights</c>. Sequential models of the layers that
/// <see cref="KerasSequentialTranslator"/> supports; anything else is listed in one
/// <see cref="UnsupportedModelException"/>.
/// </summary>
public static class KerasImporter
{
    public static NetworkGraph Load(string path, ModelLoadOptions options)
    {
        var length = InputFile.Length(path);
        if (length > options.MaxFileBytes) throw new InputException(path, $"file is {length} bytes, more than the limit of {options.MaxFileBytes}");
        if (StartsWithZipSignature(path))
            throw new InputException(path, "this is a Keras 3 '.keras' zip archive; only Keras 2 HDF5 models (.h5) are supported (re-save with model.save(\"model.h5\") or export to ONNX)");
        try
        {
            using var file = H5File.OpenRead(path);
            using var config = ParseConfig(path, ReadModelConfig(path, file));
            var problems = new List<string>();
            var layers = Layers(config.RootElement, problems);
            var modelWeights = file.LinkExists("model_weights") ? file.Group("model_weights") : null;
            var builder = new NetworkGraphBuilder(path, "keras");
            if (problems.Count == 0)
                new KerasSequentialTranslator(builder, new KerasWeights(modelWeights, options), problems).Translate(layers);
            if (problems.Count > 0) throw new UnsupportedModelException(path, problems);
            return builder.Build();
        }
        catch (InputException) { throw; }
        catch (OutOfMemoryException e)
        {
            // PureHDF allocates what a (corrupt) size field claims before reading it; found by tools/fuzz.
            throw new InputException(path, $"a size in the HDF5 file is out of range ({e.Message})", e);
        }
        catch (Exception e)
        {
            // PureHDF reports damaged files with a variety of exception types.
            throw new InputException(path, $"cannot read the HDF5 file ({e.GetType().Name}: {e.Message})", e);
        }
    }

    private static bool StartsWithZipSignature(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        return stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 && head.SequenceEqual("PK\u0003\u0004"u8);
    }

    private static string ReadModelConfig(string path, PureHDF.VOL.Native.NativeFile file)
    {
        if (!file.AttributeExists("model_config"))
            throw new InputException(path, "no 'model_config' attribute: the file holds weights only (model.save_weights), not a model");
        var attribute = file.Attribute("model_config");
        if (attribute.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength)) throw new InputException(path, "the 'model_config' attribute is not a string");
        return attribute.Read<string>().TrimEnd('\0');
    }

    private static JsonDocument ParseConfig(string path, string json)
    {
        try { return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 }); }
        catch (JsonException e) { throw new InputException(path, $"'model_config' is not valid JSON ({e.Message})"); }
    }

    /// <summary>The layer list of a Sequential config (Keras 2.2 stores the list itself, later versions {"layers": [...]}).</summary>
    private static List<KerasLayerConfig> Layers(JsonElement root, List<string> problems)
    {
        var result = new List<KerasLayerConfig>();
        var modelClass = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("class_name", out var cn) && cn.ValueKind == JsonValueKind.String
            ? cn.GetString() : null;
        if (modelClass != "Sequential")
        {
            problems.Add($"model class '{modelClass ?? "(none)"}' is not supported (only Sequential models)");
            return result;
        }
        var config = root.TryGetProperty("config", out var c) ? c : default;
        var list = config.ValueKind == JsonValueKind.Array ? config
            : config.ValueKind == JsonValueKind.Object && config.TryGetProperty("layers", out var l) && l.ValueKind == JsonValueKind.Array ? l
            : default;
        if (list.ValueKind != JsonValueKind.Array) { problems.Add("the Sequential config has no layer list"); return result; }
        int index = 0;
        foreach (var layer in list.EnumerateArray())
        {
            index++;
            string? className = null, name = null;
            JsonElement layerConfig = default;
            if (layer.ValueKind == JsonValueKind.Object && layer.TryGetProperty("class_name", out var k) && k.ValueKind == JsonValueKind.String
                && layer.TryGetProperty("config", out layerConfig) && layerConfig.ValueKind == JsonValueKind.Object
                && layerConfig.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
            {
                className = k.GetString();
                name = n.GetString();
            }
            if (className is null || name is null) { problems.Add($"layer {index} has no class_name, config or name"); continue; }
            result.Add(new KerasLayerConfig(className, name, layerConfig, problems));
        }
        return result;
    }
}
