using Verifier.Core.Errors;
using Verifier.Core.Evaluation;
using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;

namespace Verifier.Dlv.Network;

public enum LayerKind { Input, Dense, Conv, Relu, MaxPool, Flatten, Passthrough }

/// <summary>One value of the chain: the graph input or one node's output (flat, batch 1).</summary>
public sealed record DlvLayer(int Index, LayerKind Kind, Node? Node, string Value, Shape Shape)
{
    public int Size => Shape.ElementCount;
    public override string ToString() => Node is null ? "input" : $"{Index}:{Node.Operator.OpType} '{Node.Name}' {Shape}";
}

/// <summary>
/// A network seen as DLV sees it: a chain of layers, each a function of the previous one. DLV's paper
/// numbers the input L0 and each Dense/Conv layer L1, L2, ...; <see cref="HiddenLayer"/> maps that number
/// to the chain position whose values form the layer's region.
/// </summary>
public sealed class LayeredNetwork
{
    private LayeredNetwork(NetworkGraph graph, IReadOnlyList<DlvLayer> layers, bool fuseReluIntoDense)
    {
        Graph = graph;
        Layers = layers;
        FuseReluIntoDense = fuseReluIntoDense;
        ClassCount = graph.OutputShape.ElementCount;
    }

    public NetworkGraph Graph { get; }
    public IReadOnlyList<DlvLayer> Layers { get; }
    public int ClassCount { get; }
    public int InputSize => Layers[0].Size;

    /// <summary>
    /// Whether a Dense layer's region lives after its ReLU (the Keras twoDcurve net fuses ReLU into Dense;
    /// the MNIST CNN has separate ReLU layers after its convolutions, so Conv regions are pre-activation).
    /// </summary>
    public bool FuseReluIntoDense { get; }

    /// <summary>Views a single-input, single-output chain of supported operators; anything else is an input error.</summary>
    public static LayeredNetwork From(NetworkGraph graph, bool fuseReluIntoDense = true)
    {
        var problems = new List<string>();
        if (graph.InputNames.Count != 1 || graph.OutputNames.Count != 1)
            throw new InputException(graph.Source, "DLV needs exactly one input and one output");
        var layers = new List<DlvLayer> { new(0, LayerKind.Input, null, graph.Input, WithoutBatch(graph, graph.InputShape)) };
        foreach (var node in graph.Nodes)
        {
            var data = node.Inputs.Where(i => !graph.Constants.ContainsKey(i) && i.Length > 0).ToArray();
            if (data.Length != 1 || data[0] != layers[^1].Value)
                problems.Add($"{node}: DLV needs a chain of layers, each reading the previous layer's output");
            var kind = node.Operator switch
            {
                Gemm { TransA: false } or MatMul => LayerKind.Dense,
                Conv => LayerKind.Conv,
                Relu => LayerKind.Relu,
                Pool { IsMax: true } => LayerKind.MaxPool,
                Flatten or Reshape or Squeeze or Unsqueeze => LayerKind.Flatten,
                Identity => LayerKind.Passthrough,
                _ => (LayerKind?)null,
            };
            if (kind is null) { problems.Add($"{node}: operator not supported by DLV"); continue; }
            layers.Add(new DlvLayer(layers.Count, kind.Value, node, node.Outputs[0], WithoutBatch(graph, graph.Shapes[node.Outputs[0]])));
        }
        if (problems.Count == 0 && layers[^1].Value != graph.Output) problems.Add("the last layer is not the network output");
        if (problems.Count > 0) throw new UnsupportedModelException(graph.Source, problems);
        return new LayeredNetwork(graph, layers, fuseReluIntoDense);
    }

    private static Shape WithoutBatch(NetworkGraph graph, Shape shape) =>
        shape.Rank > 1 && shape[0] == 1 ? new Shape(shape.ToArray()[1..]) :
        throw new InputException(graph.Source, $"DLV needs a batch dimension of 1, got {shape}");

    /// <summary>Chain positions of the paper's layers: [0] = input, [k] = the k-th Dense/Conv layer's region values.</summary>
    public IReadOnlyList<int> PaperLayers()
    {
        var result = new List<int> { 0 };
        for (int i = 1; i < Layers.Count; i++)
        {
            var kind = Layers[i].Kind;
            if (kind is not (LayerKind.Dense or LayerKind.Conv)) continue;
            bool fused = kind == LayerKind.Dense && FuseReluIntoDense && i + 1 < Layers.Count && Layers[i + 1].Kind == LayerKind.Relu;
            result.Add(fused ? i + 1 : i);
        }
        return result;
    }

    /// <summary>The chain position holding paper layer <paramref name="k"/>'s region.</summary>
    public int HiddenLayer(int k)
    {
        var layers = PaperLayers();
        if (k < 0 || k >= layers.Count)
            throw new InputException(Graph.Source, $"layer {k} does not exist: the network has layers 0..{layers.Count - 1} (input and Dense/Conv layers)");
        return layers[k];
    }

    /// <summary>Every layer's values for one flat input, in float64.</summary>
    public double[][] Activations(double[] input)
    {
        var all = Evaluator.EvaluateAll(Graph, new Tensor<double>(Graph.InputShape, input));
        return Layers.Select(l => all[l.Value].Data).ToArray();
    }

    /// <summary>Logits of a flat input in float64.</summary>
    public double[] Logits(double[] input) => Evaluator.EvaluateFlat<double>(Graph, input);

    /// <summary>Logits of many flat inputs in one batched float64 evaluation.</summary>
    public double[][] LogitsBatch(IReadOnlyList<double[]> inputs) => Batch<double>(inputs);

    /// <summary>Logits of many inputs rounded to float32 and evaluated in float32, widened back to double.</summary>
    public double[][] LogitsBatchFloat32(IReadOnlyList<double[]> inputs) => Batch<float>(inputs);

    private double[][] Batch<T>(IReadOnlyList<double[]> inputs) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (inputs.Count == 0) return [];
        var flat = new T[inputs.Count * InputSize];
        for (int i = 0; i < inputs.Count; i++)
            for (int k = 0; k < InputSize; k++) flat[i * InputSize + k] = T.CreateChecked(inputs[i][k]);
        var outputs = Evaluator.EvaluateBatch(Graph, flat, inputs.Count);
        return Enumerable.Range(0, inputs.Count)
            .Select(i => outputs.AsSpan(i * ClassCount, ClassCount).ToArray().Select(double.CreateChecked).ToArray()).ToArray();
    }
}
