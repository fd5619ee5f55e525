using System.Globalization;
using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;

namespace Verifier.Tools.Z3Probe;

/// <summary>
/// Just enough of the .nnet format for the probe (Gemm + ReLU layers over normalised inputs); the product's
/// importer is written elsewhere.
/// </summary>
internal static class NnetReader
{
    /// <summary>The first <paramref name="keepLayers"/> affine layers (all when larger than the network).</summary>
    public static NetworkGraph Read(string path, int keepLayers = int.MaxValue)
    {
        var numbers = File.ReadLines(path).Where(l => !l.StartsWith("//"))
            .SelectMany(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int layers = (int)numbers[0], inputs = (int)numbers[1];
        var sizes = numbers.Skip(4).Take(layers + 1).Select(v => (int)v).ToArray();
        int at = 4 + layers + 1 + 1 + 4 * inputs + 2; // sizes, symmetric flag, mins, maxs, means, ranges
        var builder = new NetworkGraphBuilder(path, "nnet").AddInput("x", new Shape(1, inputs));
        string value = "x";
        for (int l = 0; l < layers; l++)
        {
            int n = sizes[l], m = sizes[l + 1];
            var w = numbers.Skip(at).Take(n * m).Select(v => (float)v).ToArray();
            var b = numbers.Skip(at + n * m).Take(m).Select(v => (float)v).ToArray();
            at += n * m + m;
            var gemm = new Gemm(ConstantTensor.FromFloats(new Shape(m, n), w), ConstantTensor.FromFloats(new Shape(m), b), 1f, 1f, false);
            builder.AddNode(new Node($"gemm{l}", gemm, [value], [$"z{l}"]));
            value = $"z{l}";
            if (l == Math.Min(layers, keepLayers) - 1) break;
            builder.AddNode(new Node($"relu{l}", new Relu(), [value], [$"h{l}"]));
            value = $"h{l}";
        }
        return builder.AddOutput(value).Build();
    }
}
