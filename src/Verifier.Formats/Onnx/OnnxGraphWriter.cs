using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;
using Verifier.Formats.Onnx.Proto;
using static Verifier.Formats.Onnx.OnnxProtos;

namespace Verifier.Formats.Onnx;

/// <summary>Emits the opset-13 nodes and initializers of one graph, one operator at a time.</summary>
internal sealed class OnnxGraphWriter(NetworkGraph graph)
{
    private readonly HashSet<string> _names = graph.Nodes.SelectMany(n => n.Inputs.Concat(n.Outputs))
        .Concat(graph.InputNames).Concat(graph.OutputNames).ToHashSet();
    private readonly HashSet<string> _writtenConstants = new();

    public GraphProto Graph { get; } = new() { Name = "verifier" };

    public void Add(Node node)
    {
        var x = node.Inputs[0];
        switch (node.Operator)
        {
            case Gemm g:
                Emit(node, "Gemm", [x, Constant(node, "W", g.Weight), .. Optional(node, "C", g.Bias)],
                    Attribute("alpha", g.Alpha), Attribute("beta", g.Beta), Attribute("transA", g.TransA ? 1 : 0), Attribute("transB", 1));
                break;
            case MatMul m:
                var weight = m.VectorWeight
                    ? ConstantTensor.FromFloats(new Shape(m.InFeatures), m.Weight.Floats!)
                    : OperatorRegistry.TransposeConstant(m.Weight);
                Emit(node, "MatMul", [x, Constant(node, "B", weight)]);
                break;
            case BinaryOperator:
                Emit(node, node.Operator.OpType, [.. node.Inputs.Select(GraphConstant)]);
                break;
            case LeakyRelu l: Emit(node, "LeakyRelu", [x], Attribute("alpha", l.Alpha)); break;
            case Relu or Sigmoid or Tanh: Emit(node, node.Operator.OpType, [x]); break;
            case Identity: Emit(node, "Identity", [x]); break;
            case Softmax s: AddSoftmax(node, s); break;
            case Flatten f: Emit(node, "Flatten", [x], Attribute("axis", f.Axis)); break;
            case Reshape r:
                Emit(node, "Reshape", [x, Constant(node, "shape", Ints(r.Target))]);
                break;
            case Squeeze sq:
                Emit(node, "Squeeze", [x, .. Optional(node, "axes", sq.Axes is null ? null : Ints(sq.Axes))]);
                break;
            case Unsqueeze u: Emit(node, "Unsqueeze", [x, Constant(node, "axes", Ints(u.Axes))]); break;
            case Transpose t:
                Emit(node, "Transpose", [x], t.Perm is null ? [] : [Attribute("perm", t.Perm.Select(p => (long)p))]);
                break;
            case Conv c:
                Emit(node, "Conv", [x, Constant(node, "W", c.Kernel), .. Optional(node, "B", c.Bias)], [.. Window(c.Window, dilations: true)]);
                break;
            case Pool p:
                Emit(node, p.OpType, [x], [.. Window(p.Window, dilations: p.IsMax), .. p.IsMax ? [] : new[] { Attribute("count_include_pad", p.CountIncludePad ? 1 : 0) }]);
                break;
            case BatchNormalization bn:
                Emit(node, "BatchNormalization", [x, Constant(node, "scale", bn.Scale), Constant(node, "bias", bn.BiasValues),
                    Constant(node, "mean", bn.Mean), Constant(node, "var", bn.Variance)], Attribute("epsilon", bn.Epsilon));
                break;
            case Pad pad:
                // Opset 13 has no axes input: the pads of every axis, begin values then end values.
                var (begin, end) = pad.PerAxis(graph.Shapes[x].Rank);
                Emit(node, "Pad", [x, Constant(node, "pads", Ints([.. begin, .. end])), Constant(node, "value", ConstantTensor.FromFloats(Shape.Scalar, [pad.Value]))],
                    Attribute("mode", pad.Mode.ToString().ToLowerInvariant()));
                break;
            case Clip clip when clip.Lower is not { Shape.ElementCount: > 1 } && clip.Upper is not { Shape.ElementCount: > 1 }:
                // Opset 13 Clip takes scalar bounds as optional inputs ("" marks an omitted one).
                Emit(node, "Clip", [x, clip.Lower is null ? "" : Constant(node, "min", Scalar(clip.Lower)), .. Optional(node, "max", clip.Upper is null ? null : Scalar(clip.Upper))]);
                break;
            default:
                throw new NotSupportedException($"{node} cannot be exported to ONNX: no writer for {node.Operator.GetType().Name}");
        }
    }

    /// <summary>
    /// Opset 13 Softmax normalises one axis; the older semantics (normalise everything from the axis on) is
    /// written as Flatten, Softmax over axis 1, Reshape back, unless the two agree (the axis is the last).
    /// </summary>
    private void AddSoftmax(Node node, Softmax s)
    {
        var shape = graph.Shapes[node.Inputs[0]];
        int axis = s.Axis < 0 ? s.Axis + shape.Rank : s.Axis;
        if (!s.CoerceTo2D || axis == shape.Rank - 1)
        {
            Emit(node, "Softmax", [node.Inputs[0]], Attribute("axis", axis));
            return;
        }
        var flat = Fresh(node, "flat");
        var normalised = Fresh(node, "softmax");
        Graph.Node.Add(NodeProto(node.Name + "_flatten", "Flatten", [node.Inputs[0]], [flat], Attribute("axis", axis)));
        Graph.Node.Add(NodeProto(node.Name, "Softmax", [flat], [normalised], Attribute("axis", 1)));
        Graph.Node.Add(NodeProto(node.Name + "_reshape", "Reshape",
            [normalised, Constant(node, "shape", Ints(shape.ToArray().Select(d => (long)d)))], [node.Outputs[0]]));
    }

    private static IEnumerable<AttributeProto> Window(Window2D w, bool dilations)
    {
        yield return Attribute("kernel_shape", [w.KernelH, w.KernelW]);
        yield return Attribute("strides", [w.StrideH, w.StrideW]);
        if (dilations) yield return Attribute("dilations", [w.DilationH, w.DilationW]);
        if (w.AutoPad is "SAME_UPPER" or "SAME_LOWER") yield return Attribute("auto_pad", w.AutoPad);
        else yield return Attribute("pads", [w.PadTop, w.PadLeft, w.PadBottom, w.PadRight]);
    }

    private void Emit(Node node, string opType, string[] inputs, params AttributeProto[] attributes) =>
        Graph.Node.Add(NodeProto(node.Name, opType, inputs, [.. node.Outputs], attributes));

    private static NodeProto NodeProto(string name, string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var proto = new NodeProto { Name = name, OpType = opType };
        proto.Input.AddRange(inputs);
        proto.Output.AddRange(outputs);
        proto.Attribute.AddRange(attributes);
        return proto;
    }

    /// <summary>A constant the operator owns, written under a fresh name.</summary>
    private string Constant(Node node, string role, ConstantTensor value)
    {
        var name = Fresh(node, role);
        Graph.Initializer.Add(Tensor(name, value));
        return name;
    }

    private static ConstantTensor Scalar(ConstantTensor c) => ConstantTensor.FromFloats(Shape.Scalar, [c.As<float>().Data[0]]);

    private string[] Optional(Node node, string role, ConstantTensor? value) => value is null ? [] : [Constant(node, role, value)];

    /// <summary>An input read by name: a graph constant is written once under its own name.</summary>
    private string GraphConstant(string name)
    {
        if (graph.Constants.TryGetValue(name, out var value) && _writtenConstants.Add(name)) Graph.Initializer.Add(Tensor(name, value));
        return name;
    }

    private string Fresh(Node node, string role)
    {
        var stem = $"{node.Name}_{role}";
        var name = stem;
        for (int i = 1; !_names.Add(name); i++) name = $"{stem}_{i}";
        return name;
    }

    private static ConstantTensor Ints(IEnumerable<long> values)
    {
        var array = values.ToArray();
        return ConstantTensor.FromInts(new Shape(array.Length), array);
    }
}
