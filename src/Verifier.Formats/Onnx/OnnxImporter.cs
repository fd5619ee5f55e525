using Verifier.Core.Errors;
using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;
using Verifier.Formats.Onnx.Proto;

namespace Verifier.Formats.Onnx;

/// <summary>
/// Reads an ONNX model into a <see cref="NetworkGraph"/>. Every unsupported construct of the whole model is
/// collected and reported in one <see cref="UnsupportedModelException"/>, so a user fixes a model in one pass.
/// </summary>
public static class OnnxImporter
{
    public const int MinOpset = 7, MaxOpset = 21;

    public static NetworkGraph Load(string path, ModelLoadOptions options)
    {
        var model = OnnxFile.Read(path, options);
        var graph = model.Graph;
        var problems = new List<string>();
        int opset = Opset(model, problems);
        if (model.Functions.Count > 0) problems.Add($"model-local functions ({string.Join(", ", model.Functions.Select(f => f.Name))}) are not supported");
        if (graph.SparseInitializer.Count > 0) problems.Add("sparse initializers are not supported");

        var tensors = new OnnxTensorReader(path, options, problems);
        tensors.CheckParameterBudget(graph);
        var builder = new NetworkGraphBuilder(path, "onnx");
        // Constants whose definition was already reported as a problem; their consumers are not built, so
        // that a bad weight is not reported a second time as a missing one.
        var failed = new HashSet<string>();
        foreach (var init in graph.Initializer)
        {
            var value = tensors.Read(init, $"initializer '{init.Name}'");
            if (value is null) failed.Add(init.Name);
            else builder.AddConstant(init.Name, value);
        }
        var initializerNames = graph.Initializer.Select(i => i.Name).ToHashSet();
        // Files of old IR versions list every initializer as a graph input too; those are constants.
        foreach (var input in graph.Input.Where(i => !initializerNames.Contains(i.Name)))
            if (DataInputShape(path, input, problems) is { } shape) builder.AddInput(input.Name, shape);

        for (int k = 0; k < graph.Node.Count; k++)
            AddNode(graph.Node[k], k, opset, builder, tensors, failed, problems);
        foreach (var output in graph.Output) builder.AddOutput(output.Name);

        if (problems.Count > 0) throw new UnsupportedModelException(path, problems);
        return builder.Build();
    }

    private static int Opset(ModelProto model, List<string> problems)
    {
        var entry = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
        if (entry is null)
        {
            problems.Add("the model imports no ai.onnx opset");
            return MaxOpset;
        }
        // Opsets before 7 are read as far as their operators agree with ours; the registry reports the rest.
        if (entry.Version > MaxOpset) problems.Add($"opset {entry.Version} is newer than the supported {MinOpset}..{MaxOpset}");
        return (int)Math.Clamp(entry.Version, 1, MaxOpset);
    }

    /// <summary>The declared shape of a data input; symbolic and zero dimensions are a batch of 1.</summary>
    private static Shape? DataInputShape(string path, ValueInfoProto input, List<string> problems)
    {
        var tensorType = input.Type?.TensorType;
        if (tensorType is null || tensorType.Shape is null)
        {
            problems.Add($"input '{input.Name}' has no tensor shape");
            return null;
        }
        if (tensorType.ElemType != (int)TensorProto.Types.DataType.Float)
        {
            problems.Add($"input '{input.Name}' has element type {(TensorProto.Types.DataType)tensorType.ElemType}, only float32 inputs are supported");
            return null;
        }
        var dims = tensorType.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue != 0 ? d.DimValue : 1);
        return Shape.FromUntrusted(dims, path, $"input '{input.Name}'");
    }

    private static void AddNode(NodeProto node, int index, int opset, NetworkGraphBuilder builder, OnnxTensorReader tensors,
        HashSet<string> failed, List<string> problems)
    {
        var name = node.Name.Length > 0 ? node.Name : $"#{index}";
        var where = $"{node.OpType} node '{name}'";
        var inputs = TrimOptional(node.Input);
        var outputs = TrimOptional(node.Output);
        if (node.Domain is not ("" or "ai.onnx"))
        {
            problems.Add($"{where}: domain '{node.Domain}' is not supported");
            return;
        }
        var attributes = new Dictionary<string, AttributeValue>();
        bool usable = !inputs.Any(failed.Contains);
        foreach (var a in node.Attribute)
        {
            var value = OnnxAttributes.Convert(a, where, tensors, problems);
            if (value is null) usable = false;
            else attributes[a.Name] = value;
        }
        if (!usable)
        {
            if (node.OpType == "Constant") failed.UnionWith(outputs);
            return;
        }
        var constants = inputs.Select(i => i.Length == 0 ? null : builder.Constant(i)).ToList();
        var context = new OperatorContext(name, node.OpType, opset, attributes, constants, outputs.Count, problems);
        if (node.OpType == "Constant")
        {
            var value = OperatorRegistry.ConstantValue(context);
            if (outputs.Count != 1) problems.Add($"{where}: has {outputs.Count} outputs, a Constant has one");
            if (value is not null && outputs.Count == 1) builder.AddConstant(outputs[0], value);
            else failed.UnionWith(outputs);
            return;
        }
        if (OperatorRegistry.Create(context) is { } op) builder.AddNode(new Node(name, op, inputs, outputs));
    }

    /// <summary>Drops trailing empty names (omitted optional inputs or outputs).</summary>
    private static List<string> TrimOptional(IList<string> names)
    {
        int n = names.Count;
        while (n > 0 && names[n - 1].Length == 0) n--;
        return names.Take(n).ToList();
    }
}
