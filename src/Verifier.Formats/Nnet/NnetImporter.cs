using Verifier.Core.Errors;
using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;
using Verifier.Core.IO;

namespace Verifier.Formats.Nnet;

/// <summary>
/// The Reluplex/sisl <c>.nnet</c> text format, with the semantics of its C++ reader: inputs are clipped to
/// [min, max], normalised as (x - mean) / range, every layer but the last is followed by ReLU, and outputs
/// are de-normalised as y * outRange + outMean. The graph takes raw (un-normalised) inputs of shape [1, n].
/// </summary>
public static class NnetImporter
{
    /// <summary>Largest layer width accepted; real files are far smaller, and this bounds allocations.</summary>
    private const int MaxLayerSize = 1 << 20;
    private const int MaxLayers = 100_000;

    public static NetworkGraph Load(string path, ModelLoadOptions options)
    {
        var length = InputFile.Length(path);
        if (length > options.MaxFileBytes) throw new InputException(path, $"file is {length} bytes, more than the limit of {options.MaxFileBytes}");
        var reader = new NnetReader(path, File.ReadAllLines(path));
        var network = reader.ReadNetwork(options.ParameterLimit);
        return Build(path, network);
    }

    private static NetworkGraph Build(string path, NnetNetwork net)
    {
        int n = net.LayerSizes[0];
        var builder = new NetworkGraphBuilder(path, "nnet");
        builder.AddInput("input", new Shape(1, n));
        var vector = (float[] v) => ConstantTensor.FromFloats(new Shape(v.Length), v);
        builder.AddConstant("input_min", vector(net.InputMin));
        builder.AddConstant("input_max", vector(net.InputMax));
        builder.AddConstant("input_mean", vector(net.InputMean));
        builder.AddConstant("input_range", vector(net.InputRange));
        builder.AddNode(new Node("clip", new Clip(builder.Constant("input_min"), builder.Constant("input_max")),
            ["input", "input_min", "input_max"], ["clipped"]));
        builder.AddNode(new Node("normalise_mean", new BinaryOperator(BinaryKind.Sub), ["clipped", "input_mean"], ["centred"]));
        builder.AddNode(new Node("normalise_range", new BinaryOperator(BinaryKind.Div), ["centred", "input_range"], ["layer0_in"]));

        string current = "layer0_in";
        for (int k = 0; k < net.Weights.Length; k++)
        {
            string weight = $"layer{k}_weight", bias = $"layer{k}_bias", affine = $"layer{k}_affine";
            int rows = net.LayerSizes[k + 1], cols = net.LayerSizes[k];
            builder.AddConstant(weight, ConstantTensor.FromFloats(new Shape(rows, cols), net.Weights[k]));
            builder.AddConstant(bias, vector(net.Biases[k]));
            builder.AddNode(new Node($"layer{k}_gemm", new Gemm(builder.Constant(weight)!, builder.Constant(bias), 1f, 1f, transA: false),
                [current, weight, bias], [affine]));
            current = affine;
            if (k == net.Weights.Length - 1) break;
            builder.AddNode(new Node($"layer{k}_relu", new Relu(), [affine], [$"layer{k + 1}_in"]));
            current = $"layer{k + 1}_in";
        }

        builder.AddConstant("output_range", vector([net.OutputRange]));
        builder.AddConstant("output_mean", vector([net.OutputMean]));
        builder.AddNode(new Node("denormalise_range", new BinaryOperator(BinaryKind.Mul), [current, "output_range"], ["scaled"]));
        builder.AddNode(new Node("denormalise_mean", new BinaryOperator(BinaryKind.Add), ["scaled", "output_mean"], ["output"]));
        builder.AddOutput("output");
        return builder.Build();
    }

    /// <summary>The parsed file, parameters already narrowed to float32.</summary>
    private sealed record NnetNetwork(int[] LayerSizes, float[] InputMin, float[] InputMax, float[] InputMean, float[] InputRange,
        float OutputMean, float OutputRange, float[][] Weights, float[][] Biases);

    /// <summary>Line-by-line strict reader; every problem names its 1-based line.</summary>
    private sealed class NnetReader(string path, string[] lines)
    {
        private int _next;

        public NnetNetwork ReadNetwork(long maxParameters)
        {
            while (_next < lines.Length && lines[_next].TrimStart().StartsWith("//", StringComparison.Ordinal)) _next++;

            var header = Integers(4, "header (numLayers, inputSize, outputSize, maxLayerSize)");
            int layers = Checked(header[0], 1, MaxLayers, "numLayers");
            int inputSize = Checked(header[1], 1, MaxLayerSize, "inputSize");
            int outputSize = Checked(header[2], 1, MaxLayerSize, "outputSize");
            int maxSize = Checked(header[3], 1, MaxLayerSize, "maxLayerSize");

            var sizes = Integers(layers + 1, "layer sizes").Select(s => Checked(s, 1, maxSize, "layer size (at most maxLayerSize)")).ToArray();
            if (sizes[0] != inputSize) throw Error(_next - 1, $"the first layer size {sizes[0]} differs from inputSize {inputSize}");
            if (sizes[^1] != outputSize) throw Error(_next - 1, $"the last layer size {sizes[^1]} differs from outputSize {outputSize}");
            long parameters = 0;
            for (int k = 0; k < layers; k++) parameters += (long)sizes[k] * sizes[k + 1] + sizes[k + 1];
            if (parameters > maxParameters) throw Error(_next - 1, $"the layer sizes give {parameters} parameters, more than the limit of {maxParameters}");

            Integers(1, "the unused symmetric flag");
            var min = Numbers(inputSize, "input minimums");
            var max = Numbers(inputSize, "input maximums");
            for (int i = 0; i < inputSize; i++)
                if (min[i] > max[i]) throw Error(_next - 1, $"input {i} has maximum {max[i]} below its minimum {min[i]}");
            var mean = Numbers(inputSize + 1, "input means and the output mean");
            var range = Numbers(inputSize + 1, "input ranges and the output range");
            for (int i = 0; i < inputSize; i++)
                if (range[i] == 0) throw Error(_next - 1, $"input {i} has range 0 (inputs are divided by their range)");

            var weights = new float[layers][];
            var biases = new float[layers][];
            for (int k = 0; k < layers; k++)
            {
                int rows = sizes[k + 1], cols = sizes[k];
                weights[k] = new float[rows * cols];
                for (int r = 0; r < rows; r++)
                    Numbers(cols, $"layer {k + 1} weights, row {r + 1} of {rows}").CopyTo(weights[k], r * cols);
                biases[k] = new float[rows];
                for (int r = 0; r < rows; r++)
                    biases[k][r] = Numbers(1, $"layer {k + 1} bias {r + 1} of {rows}")[0];
            }
            for (; _next < lines.Length; _next++)
                if (lines[_next].Trim().Length > 0) throw Error(_next, "unexpected content after the last layer's biases");

            return new NnetNetwork(sizes, min, max, mean[..inputSize], range[..inputSize], mean[inputSize], range[inputSize], weights, biases);
        }

        /// <summary>A header value within [lo, hi]; reported against the line just read.</summary>
        private int Checked(long value, long lo, long hi, string what) =>
            value >= lo && value <= hi ? (int)value : throw Error(_next - 1, $"{what} is {value}, expected {lo}..{hi}");

        private long[] Integers(int count, string what) =>
            Fields(count, what).Select(f => long.TryParse(f.Text, System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : throw Error(f.Line, $"{what}: '{f.Text}' is not an integer")).ToArray();

        private float[] Numbers(int count, string what)
        {
            var fields = Fields(count, what);
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                var (text, line) = fields[i];
                if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d))
                    throw Error(line, $"{what}: '{text}' is not a number");
                values[i] = (float)d;
                if (!double.IsFinite(d) || !float.IsFinite(values[i]))
                    throw Error(line, $"{what}: '{text}' is not a finite float32 number (NaN/Inf are rejected)");
            }
            return values;
        }

        /// <summary>The comma-separated fields of the next line (one trailing comma allowed).</summary>
        private (string Text, int Line)[] Fields(int count, string what)
        {
            if (_next >= lines.Length) throw Error(_next, $"the file ends where {what} were expected");
            int line = _next++;
            var parts = lines[line].Split(',').Select(p => p.Trim()).ToList();
            if (parts.Count > 1 && parts[^1].Length == 0) parts.RemoveAt(parts.Count - 1);
            if (parts.Any(p => p.Length == 0)) throw Error(line, $"{what}: empty field");
            if (parts.Count != count) throw Error(line, $"{what}: expected {count} value{(count == 1 ? "" : "s")}, got {parts.Count}");
            return parts.Select(p => (p, line)).ToArray();
        }

        private InputException Error(int lineIndex, string message) => new(path, $"line {lineIndex + 1}: {message}");
    }
}
