using System.Text.Json;
using System.Text.Json.Nodes;
using PureHDF;

namespace Verifier.Tests.Support;

/// <summary>One layer of a test model: its Keras class, config (name included) and weights by role.</summary>
public sealed record KerasLayer(string ClassName, JsonObject Config, params KerasWeight[] Weights)
{
    public string Name => (string)Config["name"]!;
}

/// <summary>A weight dataset ("kernel", "bias") with its Keras dimensions; float64 when <see cref="Doubles"/> is set.</summary>
public sealed record KerasWeight(string Role, float[] Values, int[] Dims)
{
    public double[]? Doubles { get; init; }
}

/// <summary>
/// Writes files in the layout Keras 2 <c>model.save("m.h5")</c> produces (h5py): root attribute
/// <c>model_config</c> (JSON), group <c>model_weights</c> with attribute <c>layer_names</c>, and per layer a
/// group with attribute <c>weight_names</c> (<c>dense/kernel:0</c>) and the datasets below it.
/// h5py writes these strings fixed-length; a non-zero <paramref name="stringLength"/> does the same.
/// </summary>
public static class KerasFileWriter
{
    public static void Write(string path, IReadOnlyList<KerasLayer> layers, int stringLength = 0, string modelClass = "Sequential", bool withWeights = true)
    {
        var config = new JsonObject
        {
            ["class_name"] = modelClass,
            ["config"] = new JsonObject
            {
                ["name"] = "sequential",
                ["layers"] = new JsonArray(layers.Select(l => (JsonNode)new JsonObject
                {
                    ["class_name"] = l.ClassName,
                    ["config"] = l.Config.DeepClone(),
                }).ToArray()),
            },
        };
        var file = new H5File();
        file.Attributes["model_config"] = config.ToJsonString();
        file.Attributes["keras_version"] = "2.13.1";
        file.Attributes["backend"] = "tensorflow";
        if (withWeights)
        {
            var modelWeights = new H5Group();
            modelWeights.Attributes["layer_names"] = layers.Select(l => l.Name).ToArray();
            foreach (var layer in layers)
            {
                var group = new H5Group();
                group.Attributes["weight_names"] = layer.Weights.Select(w => $"{layer.Name}/{w.Role}:0").ToArray();
                var inner = new H5Group();
                foreach (var w in layer.Weights)
                    inner[$"{w.Role}:0"] = new H5Dataset(w.Doubles is null ? w.Values : w.Doubles, fileDims: w.Dims.Select(d => (ulong)d).ToArray());
                if (layer.Weights.Length > 0) group[layer.Name] = inner;
                modelWeights[layer.Name] = group;
            }
            file["model_weights"] = modelWeights;
        }
        file.Write(path, new H5WriteOptions(DefaultStringLength: stringLength));
    }

    /// <summary>A config object from anonymous-object syntax, with the layer name first.</summary>
    public static JsonObject Config(string name, object settings)
    {
        var o = JsonSerializer.SerializeToNode(settings)!.AsObject();
        o.Insert(0, "name", name);
        return o;
    }
}
