using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

/// <summary>
/// The one table from ONNX op_type to operator. Importers of every format build nodes through it, so an
/// operator's attribute rules live in one place. A factory reports problems on the context and may return
/// null; the importer then lists every problem of the model at once.
/// </summary>
public static partial class OperatorRegistry
{
    private static readonly Dictionary<string, Func<OperatorContext, Operator?>> Factories = new()
    {
        ["Gemm"] = CreateGemm,
        ["MatMul"] = CreateMatMul,
        ["Add"] = c => Binary(c, BinaryKind.Add),
        ["Sub"] = c => Binary(c, BinaryKind.Sub),
        ["Mul"] = c => Binary(c, BinaryKind.Mul),
        ["Div"] = c => Binary(c, BinaryKind.Div),
        ["Clip"] = CreateClip,
        ["Relu"] = c => Plain(c, new Relu()),
        ["Sigmoid"] = c => Plain(c, new Sigmoid()),
        ["Tanh"] = c => Plain(c, new Tanh()),
        ["LeakyRelu"] = c => new LeakyRelu(c.Float("alpha", 0.01f)),
        ["Softmax"] = c => new Softmax((int)c.Int("axis", c.Opset < 13 ? 1 : -1), c.Opset < 13),
        ["Flatten"] = c => new Flatten((int)c.Int("axis", 1)),
        ["Reshape"] = CreateReshape,
        ["Squeeze"] = c => new Squeeze(Axes(c, required: false)),
        ["Unsqueeze"] = c => Axes(c, required: true) is { } axes ? new Unsqueeze(axes) : null,
        ["Transpose"] = c => new Transpose(c.Ints("perm")?.Select(p => (int)p).ToArray()),
        ["Identity"] = c => new Identity("Identity"),
        ["Dropout"] = CreateDropout,
        ["BatchNormalization"] = CreateBatchNormalization,
        ["Conv"] = CreateConv,
        ["MaxPool"] = c => CreatePool(c, isMax: true),
        ["AveragePool"] = c => CreatePool(c, isMax: false),
        ["Pad"] = CreatePad,
    };

    /// <summary>The op_types this tool supports (Constant is folded by the importers).</summary>
    public static IEnumerable<string> SupportedOpTypes => Factories.Keys.Append("Constant").Order();

    public static bool IsSupported(string opType) => opType == "Constant" || Factories.ContainsKey(opType);

    /// <summary>Builds the operator, or returns null after reporting why on the context.</summary>
    public static Operator? Create(OperatorContext context)
    {
        if (!Factories.TryGetValue(context.OpType, out var factory))
        {
            context.Problem("operator is not supported (supported: " + string.Join(", ", SupportedOpTypes) + ")");
            return null;
        }
        var op = factory(context);
        foreach (var unused in context.UnusedAttributes()) context.Problem($"attribute '{unused}' is not supported");
        return op;
    }

    /// <summary>The value of a Constant node (value, value_float(s), value_int(s)).</summary>
    public static ConstantTensor? ConstantValue(OperatorContext c)
    {
        ConstantTensor? value =
            c.Has("value") ? c.TensorAttribute("value") :
            c.Has("value_float") ? ConstantTensor.FromFloats(Shape.Scalar, [c.Float("value_float", 0)]) :
            c.Has("value_floats") ? c.Floats("value_floats") is { } floats ? ConstantTensor.FromFloats(new Shape(floats.Length), floats) : null :
            c.Has("value_int") ? ConstantTensor.FromInts(Shape.Scalar, [c.Int("value_int", 0)]) :
            c.Has("value_ints") ? c.Ints("value_ints") is { } ints ? ConstantTensor.FromInts(new Shape(ints.Length), ints) : null :
            null;
        if (value is null && !c.UnusedAttributes().Any()) c.Problem("has no value attribute");
        foreach (var unused in c.UnusedAttributes()) c.Problem($"attribute '{unused}' is not supported");
        return value;
    }

    private static Operator Plain(OperatorContext c, Operator op)
    {
        // Opset 1-5 activations carried a legacy 'consumed_inputs' attribute with no effect at inference.
        c.Ints("consumed_inputs");
        return op;
    }

    private static Operator? Binary(OperatorContext c, BinaryKind kind)
    {
        c.Ints("consumed_inputs");
        if (c.Has("axis"))
        {
            c.Int("axis", 0); // reported here, not again as an unused attribute
            c.Problem("legacy broadcast with 'axis' (opset < 7) is not supported");
        }
        c.Int("broadcast", 1);
        if (c.InputCount != 2) { c.Problem($"expects 2 inputs, got {c.InputCount}"); return null; }
        return new BinaryOperator(kind);
    }

    private static Operator? CreateClip(OperatorContext c)
    {
        if (c.Opset < 11)
        {
            // Before opset 11 the bounds are attributes; absent means unbounded.
            c.Ints("consumed_inputs");
            var min = c.Has("min") ? ConstantTensor.FromFloats(Shape.Scalar, [c.Float("min", 0)]) : null;
            var max = c.Has("max") ? ConstantTensor.FromFloats(Shape.Scalar, [c.Float("max", 0)]) : null;
            return new Clip(min, max);
        }
        var bounds = new ConstantTensor?[2];
        bool ok = true;
        for (int i = 1; i <= 2; i++)
        {
            if (!c.IsPresent(i)) continue;
            var what = i == 1 ? "min" : "max";
            bounds[i - 1] = c.RequireConstant(i, what);
            if (bounds[i - 1] is { } b && (b.IsInteger || b.Shape.ElementCount != 1))
            {
                c.Problem($"{what} must be a float scalar, got {(b.IsInteger ? "an integer tensor" : "shape " + b.Shape)}");
                ok = false;
            }
            ok &= bounds[i - 1] is not null;
        }
        return ok ? new Clip(bounds[0], bounds[1]) : null;
    }

    private static Operator? CreateGemm(OperatorContext c)
    {
        float alpha = c.Float("alpha", 1f), beta = c.Float("beta", 1f);
        bool transA = c.Int("transA", 0) != 0, transB = c.Int("transB", 0) != 0;
        c.Int("broadcast", 1);
        var b = c.RequireConstant(1, "weights B");
        var bias = c.Constant(2);
        if (c.InputCount > 2 && bias is null) c.Problem("input 2 (bias C) must be a constant in the model");
        if (b is null) return null;
        if (b.Shape.Rank != 2 || b.IsInteger) { c.Problem($"weights B must be a 2-D float matrix, got {b.Shape}"); return null; }
        return new Gemm(transB ? b : TransposeConstant(b), bias, alpha, beta, transA);
    }

    private static Operator? CreateMatMul(OperatorContext c)
    {
        var b = c.RequireConstant(1, "weights B");
        if (b is null) return null;
        if (b.IsInteger || b.Shape.Rank is not (1 or 2)) { c.Problem($"weights B must be a 1-D or 2-D float tensor, got {b.Shape}"); return null; }
        return b.Shape.Rank == 1
            ? new MatMul(ConstantTensor.FromFloats(new Shape(1, b.Shape[0]), b.Floats!), vectorWeight: true)
            : new MatMul(TransposeConstant(b), vectorWeight: false);
    }

    /// <summary>The transpose of a 2-D float constant (ONNX (in, out) weights to the (out, in) layout and back).</summary>
    public static ConstantTensor TransposeConstant(ConstantTensor m)
    {
        int rows = m.Shape[0], cols = m.Shape[1];
        var t = new float[m.Floats!.Length];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < cols; k++) t[k * rows + r] = m.Floats[r * cols + k];
        return ConstantTensor.FromFloats(new Shape(cols, rows), t);
    }

    private static Operator? CreateReshape(OperatorContext c)
    {
        if (c.Int("allowzero", 0) != 0) c.Problem("allowzero=1 is not supported");
        long[]? target = c.Opset < 5 ? c.Ints("shape") : c.RequireConstant(1, "target shape")?.Ints;
        if (target is null) { c.Problem("target shape must be a constant int64 tensor"); return null; }
        return new Reshape(target);
    }

    private static long[]? Axes(OperatorContext c, bool required)
    {
        var axes = c.Opset < 13 ? c.Ints("axes") : c.Constant(1)?.Ints;
        if (c.Opset >= 13 && c.InputCount > 1 && axes is null) c.Problem("axes must be a constant int64 tensor");
        if (required && axes is null) c.Problem("axes are required");
        return axes;
    }

    private static Operator? CreateDropout(OperatorContext c)
    {
        c.Float("ratio", 0.5f);
        c.Int("seed", 0);
        c.Int("is_test", 1);
        if (c.OutputCount > 1) c.Problem("the mask output is not supported");
        if (c.InputCount > 2 && c.Constant(2) is { } training && (training.Ints?.Any(v => v != 0) ?? training.Floats!.Any(v => v != 0)))
            c.Problem("training_mode=true is not supported");
        return new Identity("Dropout");
    }

    private static Operator? CreateBatchNormalization(OperatorContext c)
    {
        float epsilon = c.Float("epsilon", 1e-5f);
        c.Float("momentum", 0.9f);
        c.Ints("consumed_inputs");
        c.Require("spatial", 1, "per-activation statistics");
        c.Require("is_test", c.Opset < 7 ? 1 : 1, "training mode");
        c.Require("training_mode", 0, "training mode");
        if (c.OutputCount > 1) c.Problem("running-statistics outputs (training mode) are not supported");
        var parts = Enumerable.Range(1, 4).Select(i => c.RequireConstant(i, new[] { "", "scale", "bias", "mean", "var" }[i])).ToArray();
        if (parts.Any(p => p is null)) return null;
        int channels = parts[0]!.Shape.ElementCount;
        if (parts.Any(p => p!.Shape.ElementCount != channels || p.IsInteger))
        {
            c.Problem("scale, bias, mean and var must be float vectors of one length");
            return null;
        }
        return new BatchNormalization(parts[0]!, parts[1]!, parts[2]!, parts[3]!, epsilon);
    }

    private static Window2D? Window(OperatorContext c, int kernelH, int kernelW, bool dilations)
    {
        var kernelShape = c.Ints("kernel_shape");
        if (kernelShape is not null && (kernelShape.Length != 2 || kernelShape[0] != kernelH || kernelShape[1] != kernelW))
            c.Problem($"kernel_shape [{string.Join(",", kernelShape)}] does not match a {kernelH}x{kernelW} kernel");
        var strides = c.Ints("strides") ?? [1, 1];
        var pads = c.Ints("pads") ?? [0, 0, 0, 0];
        var dil = dilations ? c.Ints("dilations") ?? [1, 1] : [1, 1];
        var autoPad = c.String("auto_pad", "NOTSET");
        bool ok = true;
        if (strides.Length != 2 || strides.Any(s => s < 1)) { c.Problem($"strides [{string.Join(",", strides)}] are not supported (2-D, >= 1)"); ok = false; }
        if (pads.Length != 4 || pads.Any(p => p < 0)) { c.Problem($"pads [{string.Join(",", pads)}] are not supported (2-D, >= 0)"); ok = false; }
        if (dil.Length != 2 || dil.Any(d => d < 1)) { c.Problem($"dilations [{string.Join(",", dil)}] are not supported"); ok = false; }
        if (autoPad is not ("NOTSET" or "VALID" or "SAME_UPPER" or "SAME_LOWER")) { c.Problem($"auto_pad {autoPad} is not supported"); ok = false; }
        if (!ok) return null;
        if (autoPad == "VALID") pads = [0, 0, 0, 0];
        return new Window2D(kernelH, kernelW, (int)strides[0], (int)strides[1], (int)pads[0], (int)pads[1], (int)pads[2], (int)pads[3],
            (int)dil[0], (int)dil[1], autoPad);
    }

    private static Operator? CreateConv(OperatorContext c)
    {
        c.Require("group", 1, "grouped convolution");
        var kernel = c.RequireConstant(1, "kernel W");
        var bias = c.Constant(2);
        if (c.InputCount > 2 && bias is null) c.Problem("input 2 (bias B) must be a constant in the model");
        if (kernel is null) { c.Ints("kernel_shape"); c.Ints("strides"); c.Ints("pads"); c.Ints("dilations"); c.String("auto_pad", ""); return null; }
        if (kernel.Shape.Rank != 4 || kernel.IsInteger)
        {
            c.Problem($"only 2-D convolution is supported, kernel has shape {kernel.Shape}");
            return null;
        }
        if (bias is not null && bias.Shape.ElementCount != kernel.Shape[0]) c.Problem($"bias has {bias.Shape.ElementCount} values for {kernel.Shape[0]} filters");
        var window = Window(c, kernel.Shape[2], kernel.Shape[3], dilations: true);
        return window is null ? null : new Conv(kernel, bias, window);
    }

    private static Operator? CreatePool(OperatorContext c, bool isMax)
    {
        c.Require("ceil_mode", 0, "ceil mode");
        if (isMax) c.Require("storage_order", 0, "column-major indices");
        bool includePad = !isMax && c.Int("count_include_pad", 0) != 0;
        if (c.OutputCount > 1) c.Problem("the Indices output is not supported");
        var k = c.Ints("kernel_shape");
        if (k is null || k.Length != 2 || k.Any(v => v < 1 || v > 4096))
        {
            c.Problem("kernel_shape must be two positive values (2-D pooling only)");
            return null;
        }
        var window = Window(c, (int)k[0], (int)k[1], dilations: isMax);
        return window is null ? null : new Pool(isMax, window, includePad);
    }
}
