using PureHDF;
using Verifier.Core.Tensors;

namespace Verifier.Formats.Keras;

/// <summary>
/// Reads a layer's weights from <c>model_weights/&lt;layer&gt;</c>: the group's <c>weight_names</c> attribute
/// lists datasets such as <c>dense_1/kernel:0</c>, stored below the group. Only float32 data is taken as
/// is; float64 is accepted only where every value is exactly a float32, so the loaded network is the trained one.
/// </summary>
internal sealed class KerasWeights(IH5Group? modelWeights, ModelLoadOptions options)
{
    private long _parameters;

    /// <summary>
    /// The layer's weights by role ("kernel", "bias"), in the order <paramref name="roles"/> gives; null after
    /// reporting a problem. Each expected shape is checked.
    /// </summary>
    public ConstantTensor?[]? Read(KerasLayerConfig layer, params (string Role, int[] Shape)[] roles)
    {
        var names = WeightNames(layer);
        if (names is null) return null;
        var byRole = names.GroupBy(Role).ToDictionary(g => g.Key, g => g.First());
        var extra = byRole.Keys.Except(roles.Select(r => r.Role)).ToList();
        var missing = roles.Select(r => r.Role).Except(byRole.Keys).ToList();
        if (extra.Count > 0 || missing.Count > 0 || byRole.Count != names.Length)
        {
            layer.Problem($"weights [{string.Join(", ", names)}] do not match the expected [{string.Join(", ", roles.Select(r => r.Role))}]");
            return null;
        }
        var group = modelWeights!.Group(layer.Name);
        var result = new ConstantTensor?[roles.Length];
        for (int i = 0; i < roles.Length; i++)
            result[i] = ReadDataset(layer, group, byRole[roles[i].Role], roles[i].Shape);
        return result.Any(r => r is null) ? null : result;
    }

    /// <summary>The names listed for the layer; an empty list for layers saved without a group.</summary>
    private string[]? WeightNames(KerasLayerConfig layer)
    {
        if (modelWeights is null) { layer.Problem("the file stores no weights (no 'model_weights' group)"); return null; }
        if (!modelWeights.LinkExists(layer.Name)) return [];
        var group = modelWeights.Group(layer.Name);
        if (!group.AttributeExists("weight_names")) return [];
        var attribute = group.Attribute("weight_names");
        return attribute.Space.Dimensions.Length == 0 ? [attribute.Read<string>()] : attribute.Read<string[]>();
    }

    /// <summary>"dense_1/kernel:0" -> "kernel" (Keras 3 legacy files drop the ":0").</summary>
    private static string Role(string weightName)
    {
        var last = weightName[(weightName.LastIndexOf('/') + 1)..];
        int colon = last.IndexOf(':');
        return colon < 0 ? last : last[..colon];
    }

    private ConstantTensor? ReadDataset(KerasLayerConfig layer, IH5Group group, string name, int[] expected)
    {
        if (!group.LinkExists(name)) { layer.Problem($"weight '{name}' is listed but not stored"); return null; }
        var dataset = group.Dataset(name);
        var dims = dataset.Space.Dimensions;
        if (!dims.Select(d => (long)d).SequenceEqual(expected.Select(e => (long)e)))
        {
            layer.Problem($"weight '{name}' has shape [{string.Join(",", dims)}], the layer configuration needs [{string.Join(",", expected)}]");
            return null;
        }
        // Counted in long with an early stop, so absurd configured sizes are reported rather than overflowing.
        long count = 1;
        foreach (var e in expected)
            if ((count *= e) > options.ParameterLimit) break;
        if ((_parameters += count) > options.ParameterLimit)
        {
            layer.Problem($"the model has at least {_parameters:N0} weights up to this layer, more than {options.ParameterLimitText}");
            return null;
        }
        var shape = new Shape(expected);
        var type = dataset.Type;
        if (type.Class != H5DataTypeClass.FloatingPoint || type.Size is not (4 or 8))
        {
            layer.Problem($"weight '{name}' is stored as {type.Class} of {type.Size} bytes; only float32 (or float64 equal to float32) is supported");
            return null;
        }
        float[] values;
        if (type.Size == 4) values = dataset.Read<float[]>();
        else
        {
            var doubles = dataset.Read<double[]>();
            values = doubles.Select(d => (float)d).ToArray();
            int inexact = Array.FindIndex(doubles, d => (double)(float)d != d && !double.IsNaN(d));
            if (inexact >= 0)
            {
                layer.Problem($"weight '{name}' is float64 and element {inexact} ({doubles[inexact]:R}) is not a float32 value");
                return null;
            }
        }
        if (values.Length != shape.ElementCount) { layer.Problem($"weight '{name}' holds {values.Length} values for shape {shape}"); return null; }
        return ConstantTensor.FromFloats(shape, values);
    }
}
