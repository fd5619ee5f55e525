using System.Text.Json;
using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;

namespace Verifier.Formats.Keras;

/// <summary>
/// Turns the layers of a Keras Sequential model into graph nodes. The graph's input and output keep Keras's
/// own layout (channels_last is NHWC), so inputs, specifications and witnesses index the tensor exactly as
/// Keras does. Convolution and pooling run in the graph's NCHW: a Transpose to NCHW is inserted before a
/// channels_last spatial layer and one back before any layer that depends on the order (Dense, Flatten,
/// softmax, the output), so a run of spatial layers needs only one pair.
/// </summary>
internal sealed class KerasSequentialTranslator(NetworkGraphBuilder builder, KerasWeights weights, List<string> problems)
{
    private const int MaxDim = 1 << 24;
    private static readonly int[] ToNchwPerm = [0, 3, 1, 2], ToNhwcPerm = [0, 2, 3, 1];

    private string _value = "";
    private int[] _shape = [];          // the Keras tensor's shape, batch 1
    private bool _heldAsNchw;           // the graph value is the Keras NHWC value transposed to NCHW
    private bool _translating = true;   // false after a problem: later layers are only checked, not emitted
    private string _layer = "";

    public void Translate(IReadOnlyList<KerasLayerConfig> layers)
    {
        if (layers.Count == 0) { problems.Add("the model has no layers"); return; }
        for (int i = 0; i < layers.Count; i++)
        {
            var c = layers[i];
            int before = problems.Count;
            _layer = c.Name;
            c.RequireFloat32();
            c.Require("quantization_config", "null", "quantised layers");
            var declared = c.Shape("batch_input_shape") ?? c.Shape("batch_shape");
            if (i == 0) DeclareInput(c, declared);
            if (Layer(c)) c.ReportUnusedKeys();
            if (problems.Count > before) _translating = false;
        }
        if (!_translating) return;
        ToKerasOrder();
        builder.AddOutput(_value);
    }

    /// <summary>Translates one layer; false for an unknown class, whose settings are then not listed one by one.</summary>
    private bool Layer(KerasLayerConfig c)
    {
        switch (c.ClassName)
        {
            case "InputLayer":
                if (c.Bool("sparse", false)) c.Problem("sparse inputs are not supported");
                if (c.Bool("ragged", false)) c.Problem("ragged inputs are not supported");
                if (c.Bool("optional", false)) c.Problem("optional inputs are not supported");
                break;
            case "Dense": Dense(c); break;
            case "Conv2D": Conv2D(c); break;
            case "MaxPooling2D": MaxPooling2D(c); break;
            case "Flatten": Flatten(c); break;
            case "Activation": Activation(c, ActivationName(c)); break;
            case "Dropout": break; // identity at inference
            default:
                c.Problem("layer class is not supported (supported: InputLayer, Dense, Conv2D, MaxPooling2D, Flatten, Activation, Dropout)");
                return false;
        }
        return true;
    }

    private void DeclareInput(KerasLayerConfig c, long?[]? declared)
    {
        if (declared is null) { c.Problem("the first layer does not declare the input shape (batch_input_shape)"); return; }
        if (declared.Length < 2 || declared.Skip(1).Any(d => d is null or < 1 or > MaxDim))
        {
            c.Problem($"input shape [{string.Join(",", declared.Select(d => d?.ToString() ?? "None"))}] must have fixed positive dimensions after the batch");
            return;
        }
        _shape = [1, .. declared.Skip(1).Select(d => (int)d!.Value)];
        _value = c.ClassName == "InputLayer" ? c.Name : "input";
        builder.AddInput(_value, Shape.FromUntrusted(_shape.Select(d => (long)d), builder.Source, "Keras input"));
    }

    private bool Ready(KerasLayerConfig c, int problemsBefore) => _translating && problems.Count == problemsBefore && _value.Length > 0;

    private void Dense(KerasLayerConfig c)
    {
        int before = problems.Count;
        int units = c.Int("units", MaxDim);
        var activation = ActivationName(c);
        bool useBias = c.Bool("use_bias", true);
        c.Require("lora_rank", "0", "LoRA adapters");
        if (!Ready(c, before)) return;
        int inFeatures = _shape[^1];
        var w = weights.Read(c, Roles(useBias, ("kernel", [inFeatures, units]), [units]));
        if (w is null) return;
        ToKerasOrder();
        var kernel = Constant("kernel", Permute(w[0]!, [1, 0]));
        var bias = useBias ? Constant("bias", w[1]!) : null;
        if (_shape.Length == 2)
        {
            Emit("dense", new Gemm(builder.Constant(kernel)!, bias is null ? null : builder.Constant(bias), 1f, 1f, transA: false),
                bias is null ? [kernel] : [kernel, bias]);
        }
        else
        {
            // Dense acts on the last axis of a higher-rank tensor: MatMul over the leading axes, then the bias.
            Emit("matmul", new MatMul(builder.Constant(kernel)!, vectorWeight: false), [kernel]);
            if (bias is not null) Emit("bias_add", new BinaryOperator(BinaryKind.Add), [bias]);
        }
        _shape[^1] = units;
        Activation(c, activation);
    }

    private void Conv2D(KerasLayerConfig c)
    {
        int before = problems.Count;
        int filters = c.Int("filters", MaxDim);
        var kernel = c.Pair("kernel_size", MaxDim);
        var strides = c.Pair("strides", MaxDim) ?? (1, 1);
        var padding = Padding(c);
        bool channelsFirst = ChannelsFirst(c);
        if (c.Pair("dilation_rate", MaxDim) is { } d && d != (1, 1)) c.Problem($"dilation_rate {d} is not supported");
        c.Require("groups", "1", "grouped convolution");
        c.Require("lora_rank", "0", "LoRA adapters");
        var activation = ActivationName(c);
        bool useBias = c.Bool("use_bias", true);
        if (kernel is null) c.Problem("'kernel_size' is missing");
        if (!Ready(c, before) || !Spatial(c, channelsFirst)) return;
        var (kh, kw) = kernel!.Value;
        int channels = channelsFirst ? _shape[1] : _shape[3];
        var w = weights.Read(c, Roles(useBias, ("kernel", [kh, kw, channels, filters]), [filters]));
        if (w is null) return;
        var window = Window(kh, kw, strides, padding);
        if (OutputSize(c, window) is not { } size) return;
        // Keras kernels are (kh, kw, in, out) whatever the data format; ONNX Conv wants (out, in, kh, kw).
        var k = Constant("kernel", Permute(w[0]!, [3, 2, 0, 1]));
        var b = useBias ? Constant("bias", w[1]!) : null;
        Emit("conv", new Conv(builder.Constant(k)!, b is null ? null : builder.Constant(b), window), b is null ? [k] : [k, b]);
        SetSpatial(channelsFirst, filters, size);
        Activation(c, activation);
    }

    private void MaxPooling2D(KerasLayerConfig c)
    {
        int before = problems.Count;
        var pool = c.Pair("pool_size", MaxDim) ?? (2, 2);
        var strides = c.Pair("strides", MaxDim) ?? pool;
        var padding = Padding(c);
        bool channelsFirst = ChannelsFirst(c);
        if (!Ready(c, before) || !Spatial(c, channelsFirst)) return;
        var window = Window(pool.Item1, pool.Item2, strides, padding);
        if (OutputSize(c, window) is not { } size) return;
        Emit("maxpool", new Pool(isMax: true, window, countIncludePad: false), []);
        SetSpatial(channelsFirst, channelsFirst ? _shape[1] : _shape[3], size);
    }

    private void Flatten(KerasLayerConfig c)
    {
        int before = problems.Count;
        bool channelsFirst = ChannelsFirst(c);
        if (!Ready(c, before)) return;
        ToKerasOrder();
        if (channelsFirst && _shape.Length > 2)
        {
            // Keras moves the channel axis last before flattening channels_first data.
            int[] perm = [0, .. Enumerable.Range(2, _shape.Length - 2), 1];
            Emit("channels_last", new Transpose(perm), []);
        }
        Emit("flatten", new Flatten(1), []);
        _shape = [1, _shape.Skip(1).Aggregate(1, (a, b) => checked(a * b))];
    }

    private static string ActivationName(KerasLayerConfig c)
    {
        var name = c.String("activation", "linear");
        if (name is "linear" or "relu" or "sigmoid" or "tanh" or "softmax") return name;
        c.Problem($"activation '{name}' is not supported (linear, relu, sigmoid, tanh, softmax)");
        return "linear";
    }

    private void Activation(KerasLayerConfig c, string name)
    {
        if (!_translating || _value.Length == 0) return;
        switch (name)
        {
            case "relu": Emit("relu", new Relu(), []); break;
            case "sigmoid": Emit("sigmoid", new Sigmoid(), []); break;
            case "tanh": Emit("tanh", new Tanh(), []); break;
            case "softmax":
                ToKerasOrder(); // Keras normalises over the last axis of its own layout
                Emit("softmax", new Softmax(-1, coerceTo2D: false), []);
                break;
        }
    }

    private static string Padding(KerasLayerConfig c)
    {
        var p = c.String("padding", "valid");
        if (p is "valid" or "same") return p;
        c.Problem($"padding '{p}' is not supported (valid, same)");
        return "valid";
    }

    private static bool ChannelsFirst(KerasLayerConfig c)
    {
        var f = c.String("data_format", "channels_last");
        if (f is "channels_last" or "channels_first") return f == "channels_first";
        c.Problem($"data_format '{f}' is not supported");
        return false;
    }

    /// <summary>TensorFlow's "same" puts the odd padding cell at the bottom/right, which is ONNX SAME_UPPER.</summary>
    private static Window2D Window(int kh, int kw, (int H, int W) strides, string padding) =>
        new(kh, kw, strides.H, strides.W, 0, 0, 0, 0, 1, 1, padding == "same" ? "SAME_UPPER" : "NOTSET");

    /// <summary>Brings a 4-D input into NCHW for a spatial layer; false after reporting another rank.</summary>
    private bool Spatial(KerasLayerConfig c, bool channelsFirst)
    {
        if (_shape.Length != 4) { c.Problem($"expects a 4-D input, got [{string.Join(",", _shape)}]"); return false; }
        if (channelsFirst) ToKerasOrder();
        else if (!_heldAsNchw) { Emit("to_nchw", new Transpose(ToNchwPerm), []); _heldAsNchw = true; }
        return true;
    }

    /// <summary>The spatial output size; called after <see cref="Spatial"/>, when the graph holds NCHW.</summary>
    private (int H, int W)? OutputSize(KerasLayerConfig c, Window2D window)
    {
        var (h, w) = _heldAsNchw ? (_shape[1], _shape[2]) : (_shape[2], _shape[3]);
        try
        {
            var (oh, ow, _, _) = window.Output(h, w);
            return (oh, ow);
        }
        catch (ShapeException e)
        {
            c.Problem(e.Message);
            return null;
        }
    }

    private void SetSpatial(bool channelsFirst, int channels, (int H, int W) size) =>
        _shape = channelsFirst ? [1, channels, size.H, size.W] : [1, size.H, size.W, channels];

    private void ToKerasOrder()
    {
        if (!_heldAsNchw) return;
        Emit("to_nhwc", new Transpose(ToNhwcPerm), []);
        _heldAsNchw = false;
    }

    private static (string, int[])[] Roles(bool useBias, (string, int[]) kernel, int[] biasShape) =>
        useBias ? [kernel, ("bias", biasShape)] : [kernel];

    private string Constant(string suffix, ConstantTensor value)
    {
        var name = $"{_layer}/{suffix}";
        builder.AddConstant(name, value);
        return name;
    }

    private void Emit(string suffix, Operator op, string[] constants)
    {
        var output = builder.FreshName($"{_layer}/{suffix}");
        builder.AddNode(new Node(output, op, [_value, .. constants], [output]));
        _value = output;
    }

    /// <summary>The tensor with its axes permuted (result axis i is source axis perm[i]).</summary>
    private static ConstantTensor Permute(ConstantTensor t, int[] perm) =>
        ConstantTensor.FromFloats(new Shape(perm.Select(p => t.Shape[p]).ToArray()),
            Transpose.Apply(new Tensor<float>(t.Shape, t.Floats!), perm).Data);
}
