namespace Verifier.Core.Operators;

public static partial class OperatorRegistry
{
    /// <summary>
    /// Pad: opsets 2-10 give pads and value as attributes, opset 11 on as constant inputs (pads, constant_value,
    /// and from opset 18 axes). Pad lengths against the input's rank are checked with the shapes.
    /// </summary>
    private static Operator? CreatePad(OperatorContext c)
    {
        var modeName = c.String("mode", "constant");
        PadMode? mode = modeName switch { "constant" => PadMode.Constant, "reflect" => PadMode.Reflect, "edge" => PadMode.Edge, _ => null };
        if (mode is null) c.Problem($"attribute mode='{modeName}' is not supported (constant, reflect, edge)");
        var (pads, value, axes) = c.Opset < 11 ? PadAttributes(c) : PadInputs(c);
        if (pads is null || mode is null) return null;
        bool ok = true;
        if (pads.Length % 2 != 0 || (axes is not null && pads.Length != 2 * axes.Length))
        {
            c.Problem($"pads [{string.Join(",", pads)}] need a begin and an end value for each of the {(axes is null ? "input's" : axes.Length.ToString())} axes");
            ok = false;
        }
        if (mode != PadMode.Constant && pads.Any(p => p < 0))
        {
            c.Problem($"negative pads [{string.Join(",", pads)}] (cropping) are supported in mode 'constant' only, not '{modeName}'");
            ok = false;
        }
        if (!float.IsFinite(value)) { c.Problem($"pad value {value} is not finite"); ok = false; }
        return ok ? new Pad(pads, axes, value, mode.Value) : null;
    }

    private static (long[]? Pads, float Value, long[]? Axes) PadAttributes(OperatorContext c)
    {
        var pads = c.Ints("pads");
        if (pads is null) c.Problem("attribute pads is required");
        if (c.InputCount > 1) c.Problem($"expects 1 input before opset 11, got {c.InputCount}");
        return (pads, c.Float("value", 0f), null);
    }

    private static (long[]? Pads, float Value, long[]? Axes) PadInputs(OperatorContext c)
    {
        var pads = IntsInput(c, 1, "pads");
        float value = 0;
        if (c.IsPresent(2) && c.RequireConstant(2, "constant_value") is { } v)
        {
            if (v.IsInteger || v.Shape.ElementCount != 1) c.Problem($"constant_value must be one float value, got {(v.IsInteger ? "an integer tensor" : "shape " + v.Shape)}");
            else value = v.Floats![0];
        }
        var axes = c.IsPresent(3) ? IntsInput(c, 3, "axes") : null;
        if (c.InputCount > 4) c.Problem($"expects at most 4 inputs, got {c.InputCount}");
        return (pads, value, axes);
    }

    /// <summary>A constant int64 vector input, or null after reporting why.</summary>
    private static long[]? IntsInput(OperatorContext c, int input, string what)
    {
        var t = c.RequireConstant(input, what);
        if (t is not null && (!t.IsInteger || t.Shape.Rank != 1)) c.Problem($"input {input} ({what}) must be a 1-D int64 tensor, got {(t.IsInteger ? "shape " + t.Shape : "floats")}");
        return t is { IsInteger: true, Shape.Rank: 1 } ? t.Ints : null;
    }
}
