using Verifier.Compute.Backends;
using Verifier.Core.Errors;
using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;

namespace Verifier.Compute.Training;

/// <summary>
/// Turns a network graph (an imported ONNX, .nnet or Keras model) back into a trainable <see cref="Sequential"/>
/// so it can be fine-tuned: a chain of Gemm or MatMul (+ constant Add), Conv, Relu, MaxPool and Flatten/Reshape
/// nodes. Anything the engine cannot train exactly is refused with every problem named, because training an
/// approximation would silently change the model under verification.
/// </summary>
public static class GraphImport
{
    /// <summary>A layer spec with the weights it starts from (null for layers without parameters).</summary>
    private sealed record ImportedLayer(LayerSpec Spec, float[]? Weights = null, float[]? Bias = null);

    public static Sequential ToSequential(NetworkGraph graph, IComputeBackend backend, int maxBatch)
    {
        var (sampleShape, layers) = Layers(graph);
        Sequential model;
        try
        {
            model = Sequential.Create(backend, sampleShape, layers.Select(l => l.Spec).ToList(), maxBatch, seed: 0);
        }
        catch (InputException e)
        {
            throw new InputException(graph.Source, $"cannot train this model: {e.Problem}");
        }
        for (int i = 0; i < layers.Count; i++)
        {
            var parameters = model.Layers[i].Parameters;
            if (layers[i].Weights is { } w) parameters[0].Value.Upload(w);
            if (layers[i].Bias is { } b) parameters[1].Value.Upload(b);
        }
        return model;
    }

    /// <summary>The per-sample input shape and the layers, read off the graph's single chain of nodes.</summary>
    private static (int[] SampleShape, List<ImportedLayer> Layers) Layers(NetworkGraph graph)
    {
        if (graph.InputNames.Count != 1 || graph.OutputNames.Count != 1)
            throw new InputException(graph.Source, "cannot train this model: it must have exactly one input and one output");
        var input = graph.InputShape;
        if (input.Rank < 2 || input[0] != 1)
            throw new InputException(graph.Source, $"cannot train this model: its input {input} has no leading batch dimension of 1");
        int[] sampleShape = input.ToArray()[1..];
        var layers = new List<ImportedLayer>();
        var problems = new List<string>();
        string current = graph.Input;
        foreach (var node in graph.Nodes)
        {
            if (node.Inputs.Count == 0 || node.Inputs[0] != current || node.Outputs.Count != 1 ||
                node.Inputs.Skip(1).Any(name => name.Length > 0 && !graph.Constants.ContainsKey(name)))
            {
                problems.Add($"{node} is not part of a single chain from the input");
                break;
            }
            var inShape = graph.Shapes[current];
            var outShape = graph.Shapes[node.Outputs[0]];
            current = node.Outputs[0];
            switch (node.Operator)
            {
                case Identity:
                    break;
                case ReshapeLike when layers.Count == 0:
                    // A reshape before any layer only changes how the flat input is viewed.
                    if (outShape.Rank < 2 || outShape[0] != 1) problems.Add($"{node} changes the batch dimension");
                    else sampleShape = outShape.ToArray()[1..];
                    break;
                case ReshapeLike:
                    if (outShape.Rank != 2 || outShape[0] != 1) problems.Add($"{node} reshapes to {outShape}; only flattening to (1, features) can be trained");
                    else if (inShape.Rank > 2) layers.Add(new ImportedLayer(new LayerSpec("flatten", [])));
                    break;
                case Gemm gemm:
                    if (gemm.TransA) problems.Add($"{node} has transA = 1");
                    else layers.Add(Dense(gemm, node, problems));
                    break;
                case MatMul matMul:
                    if (matMul.VectorWeight || inShape.Rank != 2) problems.Add($"{node} is not a (1, in) x (in, out) product");
                    else layers.Add(Dense(matMul, node, problems));
                    break;
                case BinaryOperator { Kind: BinaryKind.Add } when layers.Count > 0 && layers[^1].Spec.Kind == "dense":
                    AddToBias(graph, node, layers[^1], problems);
                    break;
                case Conv conv:
                    layers.Add(Convolution(conv, node, problems));
                    break;
                case Pool { IsMax: true } pool:
                    var pw = pool.Window;
                    if (!SquareWindow(pw, out var poolProblem) || (pw.PadTop | pw.PadLeft | pw.PadBottom | pw.PadRight) != 0)
                        problems.Add($"{node}: {poolProblem ?? "padding"} is not supported");
                    else layers.Add(new ImportedLayer(new LayerSpec("maxpool", [pool.Window.KernelH, pool.Window.StrideH])));
                    break;
                case Relu:
                    layers.Add(new ImportedLayer(new LayerSpec("relu", [])));
                    break;
                default:
                    problems.Add($"{node} has no trainable equivalent (supported: Gemm, MatMul+Add, Conv, Relu, MaxPool, Flatten, Reshape)");
                    break;
            }
        }
        if (problems.Count == 0 && current != graph.Output) problems.Add($"the chain ends at '{current}', not at the output '{graph.Output}'");
        if (problems.Count == 0 && !layers.Any(l => l.Weights is not null)) problems.Add("it has no Gemm, MatMul or Conv layer to train");
        if (problems.Count > 0)
            throw new InputException(graph.Source, "cannot train this model: " + string.Join("; ", problems));
        return (sampleShape, layers);
    }

    /// <summary>y = alpha x W^T + beta c as a dense layer with the scalars folded into its weights and bias.</summary>
    private static ImportedLayer Dense(AffineOperator affine, Node node, List<string> problems)
    {
        var weights = Floats(affine.Weight);
        if (affine.Alpha != 1f) for (int i = 0; i < weights.Length; i++) weights[i] *= affine.Alpha;
        var bias = new float[affine.OutFeatures];
        if (affine.Bias is { } c && !TryBroadcast(c, affine.OutFeatures, affine.Beta, bias))
            problems.Add($"{node} has a bias of shape {c.Shape}, not one value per output");
        return new ImportedLayer(new LayerSpec("dense", [affine.OutFeatures]), weights, bias);
    }

    private static void AddToBias(NetworkGraph graph, Node node, ImportedLayer dense, List<string> problems)
    {
        var bias = dense.Bias!;
        var constant = node.Inputs.Count == 2 && graph.Constants.TryGetValue(node.Inputs[1], out var c) ? c : null;
        var term = new float[bias.Length];
        if (constant is null || !TryBroadcast(constant, bias.Length, 1f, term))
        {
            problems.Add($"{node} adds something other than a constant bias to the previous dense layer");
            return;
        }
        for (int i = 0; i < bias.Length; i++) bias[i] += term[i];
    }

    /// <summary>Writes scale * c broadcast to <paramref name="length"/> values: c holds one value, or one per output.</summary>
    private static bool TryBroadcast(ConstantTensor c, int length, float scale, float[] target)
    {
        if (c.Floats is null || c.Shape.Rank > 2 || c.Shape.Rank == 2 && c.Shape[0] != 1) return false;
        var values = c.Floats;
        if (values.Length != length && values.Length != 1) return false;
        for (int i = 0; i < length; i++) target[i] = scale * values[values.Length == 1 ? 0 : i];
        return true;
    }

    private static ImportedLayer Convolution(Conv conv, Node node, List<string> problems)
    {
        var w = conv.Window;
        bool symmetricPad = w.PadTop == w.PadLeft && w.PadTop == w.PadBottom && w.PadTop == w.PadRight;
        if (!SquareWindow(w, out var problem) || !symmetricPad)
            problems.Add($"{node}: {problem ?? "asymmetric padding"} is not supported");
        var bias = new float[conv.OutChannels];
        if (conv.Bias is { } b && !TryBroadcast(b, conv.OutChannels, 1f, bias))
            problems.Add($"{node} has a bias of shape {b.Shape}, not one value per channel");
        return new ImportedLayer(new LayerSpec("conv", [conv.OutChannels, w.KernelH, w.StrideH, w.PadTop]), Floats(conv.Kernel), bias);
    }

    /// <summary>The engine's windows are square with equal strides, no dilation and explicit padding.</summary>
    private static bool SquareWindow(Window2D w, out string? problem)
    {
        problem = w.KernelH != w.KernelW ? $"a {w.KernelH}x{w.KernelW} window"
            : w.StrideH != w.StrideW ? $"strides {w.StrideH}x{w.StrideW}"
            : w.DilationH != 1 || w.DilationW != 1 ? "dilation"
            : w.AutoPad is not ("NOTSET" or "VALID") ? $"auto_pad {w.AutoPad}"
            : null;
        return problem is null;
    }

    private static float[] Floats(ConstantTensor c) => (float[])(c.Floats ?? c.As<float>().Data).Clone();
}
