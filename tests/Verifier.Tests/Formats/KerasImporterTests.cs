using PureHDF;
using Verifier.Core.Errors;
using Verifier.Core.Evaluation;
using Verifier.Formats;
using Verifier.Tests.Support;
using static Verifier.Tests.Formats.OnnxTwin;
using static Verifier.Tests.Support.KerasFileWriter;

namespace Verifier.Tests.Formats;

public sealed class KerasImporterTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly Random _random = new(7);

    public void Dispose() => _dir.Dispose();

    private float[] RandomValues(int count) => Enumerable.Range(0, count).Select(_ => (float)(_random.NextDouble() * 2 - 1)).ToArray();

    internal static KerasLayer Input(string name, params int?[] shape) => new("InputLayer", Config(name, new
    {
        batch_input_shape = shape.Prepend(null).ToArray(), dtype = "float32", sparse = false, ragged = false,
    }));

    internal static KerasLayer Dense(string name, int units, string activation, float[] kernel, float[]? bias, int inputs) =>
        new("Dense", Config(name, new
        {
            trainable = true, dtype = "float32", units, activation, use_bias = bias is not null,
            kernel_initializer = new { class_name = "GlorotUniform", config = new { seed = (int?)null } },
            bias_initializer = new { class_name = "Zeros", config = new { } },
            kernel_regularizer = (object?)null, bias_regularizer = (object?)null, activity_regularizer = (object?)null,
            kernel_constraint = (object?)null, bias_constraint = (object?)null,
        }), bias is null ? [new KerasWeight("kernel", kernel, [inputs, units])] : [new KerasWeight("kernel", kernel, [inputs, units]), new KerasWeight("bias", bias, [units])]);

    private string Save(IReadOnlyList<KerasLayer> layers, int stringLength = 0, string modelClass = "Sequential")
    {
        var path = _dir.Path($"model{Guid.NewGuid():N}.h5");
        Write(path, layers, stringLength, modelClass);
        return path;
    }

    [Theory]
    [InlineData(0)]   // variable-length strings
    [InlineData(4096)] // fixed-length strings (NUL-padded), as h5py writes them
    public void DenseNetworkMatchesHandComputation(int stringLength)
    {
        var path = Save(
        [
            Input("in", 2),
            Dense("hidden", 3, "relu", [1, -1, 0.5f, 2, 0, -1], [0, 0.5f, -1], inputs: 2),
            Dense("out", 2, "linear", [1, 2, -1, 0, 3, 1], null, inputs: 3),
        ], stringLength);
        var graph = ModelLoader.Load(path);
        Assert.Equal("keras", graph.Format);
        Assert.Equal([1, 2], graph.InputShape.ToArray());
        // x = (1, 2): hidden = relu(5, -0.5, -2.5) = (5, 0, 0); out = (5, 10).
        Assert.Equal([5.0, 10.0], Evaluator.EvaluateFlat<double>(graph, [1, 2]));
        // x = (-1, 0.5): hidden = relu(0, 1.5, -2) = (0, 1.5, 0); out = (-1.5, 0).
        Assert.Equal([-1.5, 0.0], Evaluator.EvaluateFlat<double>(graph, [-1, 0.5]));
    }

    [Fact]
    public void DenseActsOnTheLastAxisOfHigherRankInputs()
    {
        var graph = ModelLoader.Load(Save([Input("seq", 2, 3), Dense("d", 1, "linear", [1, 2, 3], [0.5f], inputs: 3)]));
        Assert.Equal([1, 2, 1], graph.OutputShape.ToArray());
        // Rows (1, 0, 0) and (0, 1, 1) against kernel (1, 2, 3) plus 0.5.
        Assert.Equal([1.5, 5.5], Evaluator.EvaluateFlat<double>(graph, [1, 0, 0, 0, 1, 1]));
    }

    [Fact]
    public void ChannelsLastCnnMatchesKerasSemanticsAndOnnxRuntime()
    {
        // H=5, W=6, C=2 -> conv 3x2 stride (2,1) same (padding odd at the bottom/right) -> 3x6x3
        // -> max pool 2x2 stride 2 same -> 2x3x3 -> flatten 18 -> dense 4 tanh -> dense 3 softmax.
        float[] convK = RandomValues(3 * 2 * 2 * 3), convB = RandomValues(3), d1K = RandomValues(18 * 4), d1B = RandomValues(4),
            d2K = RandomValues(4 * 3), d2B = RandomValues(3);
        var path = Save(
        [
            Input("image", 5, 6, 2),
            new("Conv2D", Config("conv", new
            {
                filters = 3, kernel_size = new[] { 3, 2 }, strides = new[] { 2, 1 }, padding = "same", data_format = "channels_last",
                dilation_rate = new[] { 1, 1 }, groups = 1, activation = "relu", use_bias = true, dtype = "float32",
            }), new KerasWeight("kernel", convK, [3, 2, 2, 3]), new KerasWeight("bias", convB, [3])),
            new("MaxPooling2D", Config("pool", new { pool_size = new[] { 2, 2 }, strides = (int[]?)null, padding = "same", data_format = "channels_last" })),
            new("Flatten", Config("flatten", new { data_format = "channels_last" })),
            new("Dropout", Config("dropout", new { rate = 0.5, noise_shape = (object?)null, seed = (object?)null })),
            Dense("dense", 4, "tanh", d1K, d1B, inputs: 18),
            Dense("logits", 3, "softmax", d2K, d2B, inputs: 4),
        ]);
        var graph = ModelLoader.Load(path);
        Assert.Equal([1, 5, 6, 2], graph.InputShape.ToArray());

        // The ONNX twin spells out the layout: NHWC -> NCHW, explicit TensorFlow "same" pads, back to NHWC before Flatten.
        var twin = new OnnxTwin(1, 5, 6, 2);
        twin.Node("Transpose", Ints("perm", 0, 3, 1, 2))
            .Node("Conv", [twin.Initializer(Permute(convK, [3, 2, 2, 3], [3, 2, 0, 1]), 3, 2, 3, 2), twin.Initializer(convB, 3)],
                Ints("pads", 1, 0, 1, 1), Ints("strides", 2, 1))
            .Node("Relu")
            .Node("MaxPool", Ints("kernel_shape", 2, 2), Ints("strides", 2, 2), Ints("pads", 0, 0, 1, 0))
            .Node("Transpose", Ints("perm", 0, 2, 3, 1))
            .Node("Flatten")
            .Node("Gemm", [twin.Initializer(d1K, 18, 4), twin.Initializer(d1B, 4)])
            .Node("Tanh")
            .Node("Gemm", [twin.Initializer(d2K, 4, 3), twin.Initializer(d2B, 3)])
            .Node("Softmax", Int("axis", -1));

        for (int trial = 0; trial < 20; trial++)
        {
            var x = RandomValues(5 * 6 * 2);
            var reference = KerasChannelsLast(x.Select(v => (double)v).ToArray());
            AssertClose(reference, Evaluator.EvaluateFlat<double>(graph, x.Select(v => (double)v).ToArray()), 1e-12);
            AssertClose(reference, Evaluator.EvaluateFlat<float>(graph, x).Select(v => (double)v).ToArray(), 1e-5);
            AssertClose(twin.Run(x).Select(v => (double)v).ToArray(), Evaluator.EvaluateFlat<float>(graph, x).Select(v => (double)v).ToArray(), 1e-5);
        }

        double[] KerasChannelsLast(double[] input)
        {
            var conv = KerasReference.Relu(KerasReference.Conv2D(KerasReference.Cube(input, 5, 6, 2), convK, convB, 3, 2, 3, 2, 1, same: true));
            var pooled = KerasReference.MaxPool(conv, 2, 2, 2, 2, same: true);
            var hidden = KerasReference.Dense(KerasReference.Flatten(pooled), d1K, d1B, 4).Select(Math.Tanh).ToArray();
            return KerasReference.Softmax(KerasReference.Dense(hidden, d2K, d2B, 3));
        }
    }

    [Fact]
    public void ChannelsFirstCnnFlattensInKerasOrder()
    {
        // C=2, H=4, W=5 -> conv 2x2 valid -> 3x4x3 -> pool 2x2 stride 1 valid -> 2x3x3 -> Flatten(channels_first) -> dense 2.
        float[] convK = RandomValues(2 * 2 * 2 * 3), convB = RandomValues(3), dK = RandomValues(18 * 2), dB = RandomValues(2);
        var path = Save(
        [
            Input("chw", 2, 4, 5),
            new("Conv2D", Config("conv", new
            {
                filters = 3, kernel_size = new[] { 2, 2 }, strides = new[] { 1, 1 }, padding = "valid", data_format = "channels_first",
                activation = "linear", use_bias = true,
            }), new KerasWeight("kernel", convK, [2, 2, 2, 3]), new KerasWeight("bias", convB, [3])),
            new("MaxPooling2D", Config("pool", new { pool_size = new[] { 2, 2 }, strides = new[] { 1, 1 }, padding = "valid", data_format = "channels_first" })),
            new("Activation", Config("act", new { activation = "relu" })),
            new("Flatten", Config("flatten", new { data_format = "channels_first" })),
            Dense("out", 2, "linear", dK, dB, inputs: 18),
        ]);
        var graph = ModelLoader.Load(path);
        Assert.Equal([1, 2, 4, 5], graph.InputShape.ToArray());
        // Conv and pool need no transposes for channels_first data; only Flatten's own move of the channels.
        Assert.Single(graph.Nodes, n => n.Operator.OpType == "Transpose");
        for (int trial = 0; trial < 20; trial++)
        {
            var x = RandomValues(2 * 4 * 5);
            // Keras channels_first = the channels_last computation on the transposed input, flattened as (h, w, c).
            var nhwc = Permute(x, [2, 4, 5], [1, 2, 0]).Select(v => (double)v).ToArray();
            var conv = KerasReference.Conv2D(KerasReference.Cube(nhwc, 4, 5, 2), convK, convB, 2, 2, 3, 1, 1, same: false);
            var pooled = KerasReference.Relu(KerasReference.MaxPool(conv, 2, 2, 1, 1, same: false));
            var expected = KerasReference.Dense(KerasReference.Flatten(pooled), dK, dB, 2);
            AssertClose(expected, Evaluator.EvaluateFlat<double>(graph, x.Select(v => (double)v).ToArray()), 1e-12);
        }
    }

    [Fact]
    public void UnsupportedConstructsAreAllListedAtOnce()
    {
        var path = Save(
        [
            Input("in", 6, 6, 1),
            new("Conv2D", Config("dilated", new { filters = 2, kernel_size = new[] { 3, 3 }, dilation_rate = new[] { 2, 2 }, activation = "elu" }),
                new KerasWeight("kernel", RandomValues(18), [3, 3, 1, 2]), new KerasWeight("bias", RandomValues(2), [2])),
            new("LSTM", Config("lstm", new { units = 4 })),
            new("Dense", Config("odd", new { units = 2, use_bias = true, some_new_setting = 3 }),
                new KerasWeight("kernel", RandomValues(8), [4, 2]), new KerasWeight("bias", RandomValues(2), [2])),
        ]);
        var e = Assert.Throws<UnsupportedModelException>(() => ModelLoader.Load(path));
        Assert.Equal(path, e.Source);
        Assert.Contains(e.Problems, p => p.Contains("'dilated'") && p.Contains("dilation_rate"));
        Assert.Contains(e.Problems, p => p.Contains("'dilated'") && p.Contains("activation 'elu'"));
        Assert.Contains(e.Problems, p => p.StartsWith("LSTM layer 'lstm': layer class is not supported"));
        Assert.Contains(e.Problems, p => p.Contains("'odd'") && p.Contains("setting 'some_new_setting'"));
        Assert.Equal(4, e.Problems.Count);
    }

    [Fact]
    public void FunctionalModelsAreReported()
    {
        var path = Save([Input("in", 2)], modelClass: "Functional");
        var e = Assert.Throws<UnsupportedModelException>(() => ModelLoader.Load(path));
        Assert.Contains("only Sequential models", e.Message);
    }

    [Fact]
    public void WeightShapeDisagreeingWithTheConfigIsReported()
    {
        var path = Save([Input("in", 3), Dense("d", 2, "linear", RandomValues(4), RandomValues(2), inputs: 2)]);
        var e = Assert.Throws<UnsupportedModelException>(() => ModelLoader.Load(path));
        Assert.Contains("weight 'd/kernel:0' has shape [2,2], the layer configuration needs [3,2]", e.Message);
    }

    [Fact]
    public void Float64WeightsAreTakenOnlyWhenExactlyFloat32()
    {
        var exact = Dense("d", 1, "linear", [0.5f, 0.25f], null, inputs: 2);
        exact.Weights[0] = exact.Weights[0] with { Doubles = [0.5, 0.25] };
        Assert.Equal([1.0], Evaluator.EvaluateFlat<double>(ModelLoader.Load(Save([Input("in", 2), exact])), [1, 2]));

        var inexact = Dense("d", 1, "linear", [0.1f, 0.25f], null, inputs: 2);
        inexact.Weights[0] = inexact.Weights[0] with { Doubles = [0.1, 0.25] };
        var e = Assert.Throws<UnsupportedModelException>(() => ModelLoader.Load(Save([Input("in", 2), inexact])));
        Assert.Contains("element 0 (0.1) is not a float32 value", e.Message);
    }

    [Fact]
    public void NaNWeightsAreRejected()
    {
        var e = Assert.ThrowsAny<InputException>(() => ModelLoader.Load(Save([Input("in", 2), Dense("d", 1, "linear", [float.NaN, 1], null, inputs: 2)])));
        Assert.Contains("NaN", e.Message);
    }

    [Fact]
    public void MissingInputShapeIsReported()
    {
        var e = Assert.Throws<UnsupportedModelException>(() => ModelLoader.Load(Save([Dense("d", 1, "linear", [1, 1], null, inputs: 2)])));
        Assert.Contains("does not declare the input shape", e.Message);
    }

    [Fact]
    public void FilesThatAreNotKeras2ModelsAreRejectedWithAReason()
    {
        var weightsOnly = _dir.Path("weights.h5");
        new H5File { ["dense"] = new H5Group() }.Write(weightsOnly);
        Assert.Contains("weights only", Assert.ThrowsAny<InputException>(() => ModelLoader.Load(weightsOnly)).Problem);

        var zip = _dir.Path("model.keras");
        File.WriteAllBytes(zip, [(byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0]);
        Assert.Contains("Keras 3", Assert.ThrowsAny<InputException>(() => ModelLoader.Load(zip)).Problem);

        var text = _dir.Write("text.h5", "this is not HDF5 at all, just some text that is long enough to be read");
        Assert.Contains("cannot read the HDF5 file", Assert.ThrowsAny<InputException>(() => ModelLoader.Load(text)).Problem);
    }

    /// <summary>Row-major tensor of shape <paramref name="dims"/> with its axes permuted (result axis i = source axis perm[i]).</summary>
    private static float[] Permute(float[] values, int[] dims, int[] perm) =>
        Verifier.Core.Operators.Transpose.Apply(new Verifier.Core.Tensors.Tensor<float>(new Verifier.Core.Tensors.Shape(dims), values), perm).Data;

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }
}
