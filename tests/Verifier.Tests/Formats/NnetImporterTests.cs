using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Verifier.Core.Errors;
using Verifier.Core.Evaluation;
using Verifier.Formats;
using Verifier.Tests.Support;

namespace Verifier.Tests.Formats;

public sealed class NnetImporterTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    // ACAS Xu normalisation constants as published (docs/formats.md 3.2), independent of the importer.
    private static readonly double[] AcasMin = [0.0, -3.141593, -3.141593, 100.0, 0.0];
    private static readonly double[] AcasMax = [60760.0, 3.141593, 3.141593, 1200.0, 1200.0];
    private static readonly double[] AcasMean = [19791.091, 0.0, 0.0, 650.0, 600.0];
    private static readonly double[] AcasRange = [60261.0, 6.28318530718, 6.28318530718, 1100.0, 1200.0];
    private const double AcasOutMean = 7.5188840201005975, AcasOutRange = 373.94992;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> AcasNets => new(["1_1", "1_9", "2_9", "3_3", "4_5"]);

    [Theory]
    [MemberData(nameof(AcasNets))]
    public void AcasXuNnetAgreesWithItsOnnxTwinOnRandomInputs(string net)
    {
        var name = $"ACASXU_run2a_{net}_batch_2000";
        var graph = ModelLoader.Load(SharedData.Benchmarks("acasxu", "nnet", name + ".nnet"));
        Assert.Equal([1, 5], graph.InputShape.ToArray());

        const int count = 1000;
        var random = new Random(net.GetHashCode(StringComparison.Ordinal) & 0xffff);
        var raw = new double[count * 5];
        for (int i = 0; i < raw.Length; i++)
        {
            // 10% beyond each end of the valid range, so clipping is exercised as well.
            int f = i % 5;
            double span = AcasMax[f] - AcasMin[f];
            raw[i] = AcasMin[f] - 0.1 * span + random.NextDouble() * 1.2 * span;
        }
        var ours64 = Evaluator.EvaluateBatch(graph, raw, count);
        var ours32 = Evaluator.EvaluateBatch(graph, raw.Select(v => (float)v).ToArray(), count);

        using var session = new InferenceSession(SharedData.Benchmarks("acasxu", "onnx", name + ".onnx"));
        var inputName = session.InputMetadata.Keys.Single();
        double worst = 0;
        for (int s = 0; s < count; s++)
        {
            var normalised = new DenseTensor<float>([1, 1, 1, 5]);
            for (int f = 0; f < 5; f++)
                normalised[0, 0, 0, f] = (float)((Math.Clamp(raw[s * 5 + f], AcasMin[f], AcasMax[f]) - AcasMean[f]) / AcasRange[f]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, normalised)]);
            var reference = results[0].AsEnumerable<float>().ToArray();
            Assert.Equal(5, reference.Length);
            for (int o = 0; o < 5; o++)
            {
                // Compared on the normalised output scale the ONNX twin computes in.
                worst = Math.Max(worst, Math.Abs((ours64[s * 5 + o] - AcasOutMean) / AcasOutRange - reference[o]));
                worst = Math.Max(worst, Math.Abs((ours32[s * 5 + o] - AcasOutMean) / AcasOutRange - reference[o]));
            }
        }
        output.WriteLine($"{name}: largest normalised output difference {worst:g3} over {count} inputs");
        Assert.True(worst <= 1e-5, $"largest normalised output difference {worst:g3}");
    }

    /// <summary>Two inputs, one hidden ReLU layer of two, one output; small numbers to compute by hand.</summary>
    private const string Small = """
        // test network
        2,2,1,2,
        2,2,1,
        0,
        -1.0,0.0,
        1.0,10.0,
        0.5,4.0,2.0,
        2.0,8.0,4.0,
        1.0,-1.0,
        2.0,1.0,
        0.5,
        -1.0,
        3.0,1.0,
        0.25,
        """;

    [Theory]
    [InlineData(0.5, 4.0)]
    [InlineData(0.9, 1.0)]
    [InlineData(-0.5, 9.5)]
    [InlineData(1.0, 12.0)]
    [InlineData(-5.0, -3.0)]
    public void EvaluatesAsTheCppReader(double x0, double x1)
    {
        var graph = ModelLoader.Load(_dir.Write("small.nnet", Small));
        Assert.Equal(ByHand(x0, x1), Evaluator.EvaluateFlat<double>(graph, [x0, x1])[0], 12);
        Assert.Equal(ByHand(x0, x1), Evaluator.EvaluateFlat<float>(graph, [(float)x0, (float)x1])[0], 5);
    }

    /// <summary>The C++ reader's semantics written out directly for the small network.</summary>
    private static double ByHand(double x0, double x1)
    {
        double z0 = (Math.Clamp(x0, -1.0, 1.0) - 0.5) / 2.0, z1 = (Math.Clamp(x1, 0.0, 10.0) - 4.0) / 8.0;
        double h0 = Math.Max(0, 1.0 * z0 - 1.0 * z1 + 0.5), h1 = Math.Max(0, 2.0 * z0 + 1.0 * z1 - 1.0);
        return (3.0 * h0 + 1.0 * h1 + 0.25) * 4.0 + 2.0;
    }

    [Fact]
    public void OutOfRangeInputIsClippedNotExtrapolated()
    {
        var graph = ModelLoader.Load(_dir.Write("small.nnet", Small));
        // x1 = 12 is clipped to its maximum 10, so it must give the same output as x1 = 10 and differ from 12.
        var clipped = Evaluator.EvaluateFlat<double>(graph, [0.2, 12.0])[0];
        Assert.Equal(Evaluator.EvaluateFlat<double>(graph, [0.2, 10.0])[0], clipped);
        // Hand computation: z = (-0.15, 0.75); h = (relu(-0.15-0.75+0.5), relu(-0.3+0.75-1)) = (0, 0); y = 0.25*4+2.
        Assert.Equal(3.0, clipped, 6);
        // Below the minimum: x0 = -3 -> -1, z0 = -0.75, x1 = 4 -> z1 = 0; h = (relu(-0.25), relu(-2.5)) = 0; y = 3.
        Assert.Equal(3.0, Evaluator.EvaluateFlat<double>(graph, [-3.0, 4.0])[0], 6);
        // The mean is subtracted after clipping (sisl python nnet.py forgets it for clipped inputs):
        // x0 = 5 -> 1, z0 = 0.25; x1 = -2 -> 0, z1 = -0.5; h = (1.25, 0); y = (3.75 + 0.25)*4 + 2 = 18.
        Assert.Equal(18.0, Evaluator.EvaluateFlat<double>(graph, [5.0, -2.0])[0], 6);
        Assert.Equal(18.0, ByHand(5.0, -2.0), 12);
    }

    public static TheoryData<string, string, string> Malformed => new()
    {
        { "\n2,2,1,\n", "\n2,2,1,3,\n", "line 3: layer sizes: expected 3 values, got 4" },
        { "\n2,2,1,\n", "\n1,2,1,\n", "line 3: the first layer size 1 differs from inputSize 2" },
        { "2,2,1,2,", "-2,2,1,2,", "line 2: numLayers is -2" },
        { "2,2,1,2,", "2,2,1,99999999,", "line 2: maxLayerSize is 99999999" },
        { "1.0,-1.0,", "1.0,-1.0,0.5,", "line 9: layer 1 weights, row 1 of 2: expected 2 values, got 3" },
        { "2.0,1.0,", "2.0,abc,", "line 10: layer 1 weights, row 2 of 2: 'abc' is not a number" },
        { "0.5,\n", "NaN,\n", "line 11: layer 1 bias 1 of 2: 'NaN' is not a finite float32 number" },
        { "3.0,1.0,", "3.0,1e39,", "line 13: layer 2 weights, row 1 of 1: '1e39' is not a finite float32 number" },
        { "-1.0,0.0,", "-1.0,20.0,", "line 6: input 1 has maximum 10 below its minimum 20" },
        { "2.0,8.0,4.0,", "2.0,0,4.0,", "line 8: input 1 has range 0" },
        { "1.0,-1.0,", "1.0,,-1.0,", "line 9: layer 1 weights, row 1 of 2: empty field" },
        { "\n0.25,", "", "line 14: the file ends where layer 2 bias 1 of 1 were expected" },
        { "\n0.25,", "\n0.25,\n1.0,", "line 15: unexpected content after the last layer's biases" },
        { "\n0,\n", "\n0,x,\n", "line 4: the unused symmetric flag: expected 1 value, got 2" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedFilesAreRejectedNamingTheLine(string original, string replacement, string expected)
    {
        Assert.Contains(original, Small);
        var path = _dir.Write("bad.nnet", Small.Replace(original, replacement));
        var e = Assert.ThrowsAny<InputException>(() => ModelLoader.Load(path));
        Assert.Equal(path, e.Source);
        Assert.StartsWith(expected, e.Problem);
    }

    [Fact]
    public void SizesBeyondTheParameterLimitAreRejectedBeforeAllocating()
    {
        var path = _dir.Write("huge.nnet", "2,1000000,1,1000000,\n1000000,1000000,1,\n");
        var e = Assert.ThrowsAny<InputException>(() => ModelLoader.Load(path));
        Assert.StartsWith("line 2: the layer sizes give 1000002000001 parameters, more than the limit", e.Problem);
    }
}
