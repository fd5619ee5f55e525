using Verifier.Core.Evaluation;
using Verifier.Core.Graph;
using Verifier.Core.Tensors;
using Verifier.Formats;

namespace Verifier.Tests.Onnx;

/// <summary>Our evaluator (float32 and float64) against ONNX Runtime at seeded random inputs.</summary>
internal static class Differential
{
    /// <summary>
    /// float32 against ORT: both round in float32 and differ in summation order. Where hidden values cancel
    /// (ACAS Xu: activations near 2000, outputs near 0.03) the error follows the largest activation, not the
    /// output; 1e-6 of it is about 17 float32 ulps, far below the worst-case bound n·u·Σ|w·h| of a dot product.
    /// </summary>
    public static readonly Tolerance Float = new(Relative: 1e-5, Absolute: 1e-6, OfActivations: 1e-6);

    /// <summary>float64 against ORT: ORT's own float32 rounding, so one order more on the output.</summary>
    public static readonly Tolerance Double = new(Relative: 1e-4, Absolute: 1e-5, OfActivations: 1e-6);

    public sealed record Tolerance(double Relative, double Absolute, double OfActivations)
    {
        public double For(double expected, double activationScale) => Absolute + Relative * Math.Abs(expected) + OfActivations * activationScale;
    }

    /// <summary>Largest absolute differences seen, and the worst as a fraction of its tolerance.</summary>
    public sealed record Report(double MaxFloatError, double MaxDoubleError, double WorstFloatRatio, double WorstDoubleRatio)
    {
        public override string ToString() =>
            $"max |float32 - ORT| = {MaxFloatError:E2} ({WorstFloatRatio:P0} of tolerance), max |float64 - ORT| = {MaxDoubleError:E2} ({WorstDoubleRatio:P0} of tolerance)";
    }

    public static Report Compare(string path, int samples, int seed, float low = -1, float high = 1)
    {
        var graph = ModelLoader.Load(path);
        using var ort = new OrtModel(path);
        return Compare(graph, ort, samples, seed, low, high);
    }

    public static Report Compare(NetworkGraph graph, OrtModel ort, int samples, int seed, float low = -1, float high = 1)
    {
        var random = new Random(seed);
        double maxF = 0, maxD = 0, ratioF = 0, ratioD = 0;
        for (int s = 0; s < samples; s++)
        {
            var x = Enumerable.Range(0, graph.InputShape.ElementCount).Select(_ => low + (high - low) * random.NextSingle()).ToArray();
            var (expected, shape) = ort.Run(x, graph.InputShape.ToArray());
            Assert.Equal(shape.Select(d => (int)d), graph.OutputShape.ToArray());
            var f = Evaluator.EvaluateFlat<float>(graph, x);
            var all = Evaluator.EvaluateAll(graph, new Tensor<double>(graph.InputShape, x.Select(v => (double)v).ToArray()));
            var d = all[graph.Output].Data;
            double scale = all.Values.Max(t => t.Data.Length == 0 ? 0 : t.Data.Max(Math.Abs));
            Assert.Equal(expected.Length, f.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                double e = expected[i], ef = Math.Abs(f[i] - e), ed = Math.Abs(d[i] - e);
                double tf = Float.For(e, scale), td = Double.For(e, scale);
                Assert.True(ef <= tf, $"{graph.Source} sample {s} output {i}: float32 {f[i]} vs ORT {e} (tolerance {tf:E2})");
                Assert.True(ed <= td, $"{graph.Source} sample {s} output {i}: float64 {d[i]} vs ORT {e} (tolerance {td:E2})");
                (maxF, maxD) = (Math.Max(maxF, ef), Math.Max(maxD, ed));
                (ratioF, ratioD) = (Math.Max(ratioF, ef / tf), Math.Max(ratioD, ed / td));
            }
        }
        return new Report(maxF, maxD, ratioF, ratioD);
    }
}
