using System.Globalization;
using System.Text.Json;
using Verifier.Core.Errors;
using Verifier.Core.Results;
using Verifier.Formats.Idx;
using Verifier.Core.IO;

namespace Verifier.Compute.Training;

/// <summary>
/// Labelled counterexamples to fine-tune on, read from what the gate's counterexample export writes (see
/// Verifier.Gate's CounterexampleExporter) or from a VNN-COMP result file:
/// <list type="bullet">
/// <item>an export folder: every <c>*.json</c> description with a label (exact witness values), or, when there
/// are none, its <c>adversarial-images-idx3-ubyte</c> / <c>adversarial-labels-idx1-ubyte</c> pair (quantised to bytes);</item>
/// <item>one exported <c>.json</c> description;</item>
/// <item>an idx images file whose name contains <c>images-idx3</c>, with the labels file named alike (<c>labels-idx1</c>);</item>
/// <item><c>RESULTFILE:LABEL</c>: a <c>sat</c> result file's X values with the class they must get.</item>
/// </list>
/// Descriptions without a label (properties that are not about a class) cannot be trained on and are skipped.
/// </summary>
public static class CounterexampleSet
{
    public const string IdxImages = "adversarial-images-idx3-ubyte", IdxLabels = "adversarial-labels-idx1-ubyte";

    /// <summary>Largest description read (the exporter writes a few hundred kB per witness).</summary>
    public const long MaxJsonBytes = 256L << 20;

    /// <summary>Reads every source into one set of samples of <paramref name="sampleShape"/>; <paramref name="skipped"/> counts unlabelled descriptions.</summary>
    public static LabelledData Read(IEnumerable<string> sources, int[] sampleShape, int classes, out int skipped)
    {
        int size = sampleShape.Aggregate(1, (a, b) => checked(a * b));
        var features = new List<float>();
        var labels = new List<int>();
        skipped = 0;
        foreach (var source in sources)
            foreach (var (origin, input, label) in Samples(source, ref skipped))
            {
                if (input.Length != size) throw new InputException(origin, $"the counterexample has {input.Length} input values, the model takes {size}");
                if (label < 0 || label >= classes) throw new InputException(origin, $"label {label} is not one of the model's {classes} classes");
                foreach (var v in input)
                    if (!float.IsFinite(v)) throw new InputException(origin, "the counterexample has a value that is not a finite float32");
                features.AddRange(input);
                labels.Add(label);
            }
        return new LabelledData(features.ToArray(), labels.ToArray(), sampleShape);
    }

    private static List<(string Origin, float[] Input, int Label)> Samples(string source, ref int skipped)
    {
        if (Directory.Exists(source))
        {
            var found = new List<(string, float[], int)>();
            foreach (var file in Directory.GetFiles(source, "*.json").Order(StringComparer.Ordinal))
            {
                if (Description(file) is { } sample) found.Add(sample);
                else skipped++;
            }
            if (found.Count > 0) return found;
            var images = Path.Combine(source, IdxImages);
            if (File.Exists(images)) return Idx(images, Path.Combine(source, IdxLabels));
            throw new InputException(source, $"no labelled counterexample descriptions (*.json) and no {IdxImages} in the folder");
        }
        if (source.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            if (Description(source) is { } sample) return [sample];
            skipped++;
            return [];
        }
        var name = Path.GetFileName(source);
        if (name.Contains("images-idx3", StringComparison.Ordinal) && File.Exists(source))
            return Idx(source, Path.Combine(Path.GetDirectoryName(source) ?? "", name.Replace("images-idx3", "labels-idx1", StringComparison.Ordinal)));
        int colon = source.LastIndexOf(':');
        if (colon > 0 && int.TryParse(source.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int label))
            return [ResultFileSample(source[..colon], label)];
        if (!File.Exists(source)) throw new InputException(source, "counterexample file or folder not found");
        throw new InputException(source, "not a counterexample export: give a folder, a .json description, an idx images file, or RESULTFILE:LABEL");
    }

    /// <summary>An exported description: its label and witness input, or null when it has no label.</summary>
    private static (string, float[], int)? Description(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, "counterexample description not found");
        if (InputFile.Length(path) > MaxJsonBytes) throw new InputException(path, $"larger than {MaxJsonBytes} bytes");
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("witness", out var witness) || witness.ValueKind != JsonValueKind.Object ||
                !witness.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Array)
                throw new InputException(path, "not a counterexample description (no witness.input array)");
            if (!root.TryGetProperty("label", out var label) || label.ValueKind == JsonValueKind.Null) return null;
            if (!label.TryGetInt32(out int value)) throw new InputException(path, "the label is not an integer");
            return (path, input.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(), value);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InputException(path, $"not a counterexample description: {e.Message}");
        }
        catch (IOException e)
        {
            throw new InputException(path, $"cannot read: {e.Message}");
        }
    }

    /// <summary>Quantised images, scaled to [0, 1] as the datasets are.</summary>
    private static List<(string, float[], int)> Idx(string images, string labels)
    {
        var data = IdxReader.ReadDataset(images, labels);
        var pixels = data.ToFloat32();
        return Enumerable.Range(0, data.Count)
            .Select(i => ($"{images} (image {i})", pixels.AsSpan(i * data.ImageSize, data.ImageSize).ToArray(), (int)data.Labels[i]))
            .ToList();
    }

    private static (string, float[], int) ResultFileSample(string path, int label)
    {
        var result = ResultFile.Read(path);
        if (result.Verdict != Verdict.Falsified || result.Inputs is null)
            throw new InputException(path, $"the result is '{result.Verdict.VnnComp()}', not 'sat' with a witness");
        return (path, result.Inputs.Select(v => (float)v).ToArray(), label);
    }
}
