using Verifier.Core.Operators;
using Verifier.Core.Tensors;

namespace Verifier.Core.Graph;

/// <summary>
/// A validated feed-forward network: nodes in topological order, every value's declared shape inferred,
/// constants checked finite. Built only by <see cref="NetworkGraphBuilder"/>.
/// </summary>
public sealed class NetworkGraph
{
    internal NetworkGraph(string source, string format, IReadOnlyList<Node> nodes, IReadOnlyDictionary<string, ConstantTensor> constants,
        IReadOnlyDictionary<string, Shape> shapes, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs)
    {
        Source = source;
        Format = format;
        Nodes = nodes;
        Constants = constants;
        Shapes = shapes;
        InputNames = inputs;
        OutputNames = outputs;
    }

    /// <summary>The file the network was read from (for messages).</summary>
    public string Source { get; }

    /// <summary>"onnx", "nnet", "keras" or "engine".</summary>
    public string Format { get; }

    public IReadOnlyList<Node> Nodes { get; }
    public IReadOnlyDictionary<string, ConstantTensor> Constants { get; }
    public IReadOnlyDictionary<string, Shape> Shapes { get; }
    public IReadOnlyList<string> InputNames { get; }
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>The single data input, for analyses that need exactly one.</summary>
    public string Input => InputNames.Count == 1 ? InputNames[0] : throw new InvalidOperationException("network has several inputs");
    public string Output => OutputNames.Count == 1 ? OutputNames[0] : throw new InvalidOperationException("network has several outputs");
    public Shape InputShape => Shapes[Input];
    public Shape OutputShape => Shapes[Output];

    public long ParameterCount => Constants.Values.Sum(c => (long)c.Shape.ElementCount);
}
