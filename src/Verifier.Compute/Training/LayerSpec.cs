using System.Globalization;
using Verifier.Core.Errors;

namespace Verifier.Compute.Training;

/// <summary>
/// A layer of a model description such as "conv:16:5,relu,maxpool:2,flatten,dense:10":
/// dense:UNITS, conv:FILTERS:KERNEL[:STRIDE[:PAD]], maxpool:SIZE[:STRIDE], relu, flatten.
/// </summary>
public sealed record LayerSpec(string Kind, int[] Arguments)
{
    public static IReadOnlyList<LayerSpec> ParseList(string text, string source = "--arch")
    {
        var specs = new List<LayerSpec>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = item.Split(':');
            var kind = parts[0].ToLowerInvariant();
            var args = new int[parts.Length - 1];
            for (int i = 1; i < parts.Length; i++)
                if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out args[i - 1]) || args[i - 1] <= 0 && !(kind == "conv" && i == 4))
                    throw new InputException(source, $"layer '{item}': '{parts[i]}' is not a valid size");
            var (min, max) = kind switch
            {
                "dense" => (1, 1),
                "conv" => (2, 4),
                "maxpool" => (1, 2),
                "relu" or "flatten" => (0, 0),
                _ => throw new InputException(source, $"unknown layer '{item}' (expected dense:N, conv:F:K[:S[:P]], maxpool:K[:S], relu, flatten)"),
            };
            if (args.Length < min || args.Length > max)
                throw new InputException(source, $"layer '{item}' takes {min}..{max} arguments");
            specs.Add(new LayerSpec(kind, args));
        }
        if (specs.Count == 0) throw new InputException(source, "no layers given");
        return specs;
    }

    /// <summary>Named architectures: "mlp" (784-256-128-C) and "cnn" (two same-padded conv/pool stages), else a layer list.</summary>
    public static IReadOnlyList<LayerSpec> Architecture(string nameOrList, int classes) => nameOrList.ToLowerInvariant() switch
    {
        "mlp" => ParseList($"dense:256,relu,dense:128,relu,dense:{classes}"),
        "cnn" => ParseList($"conv:16:5:1:2,relu,maxpool:2,conv:32:5:1:2,relu,maxpool:2,flatten,dense:{classes}"),
        _ => ParseList(nameOrList),
    };

    public override string ToString() => Arguments.Length == 0 ? Kind : $"{Kind}:{string.Join(':', Arguments)}";
}
