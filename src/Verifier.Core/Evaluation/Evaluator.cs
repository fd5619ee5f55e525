using System.Numerics;
using Verifier.Core.Graph;
using Verifier.Core.Tensors;

namespace Verifier.Core.Evaluation;

/// <summary>
/// Concrete evaluation of a network in float32 (as the model computes) or float64, on a batch along the
/// leading dimension.
/// </summary>
public static class Evaluator
{
    /// <summary>Evaluates every output for a single-input network. The input's leading dimension is the batch.</summary>
    public static IReadOnlyDictionary<string, Tensor<T>> EvaluateAll<T>(NetworkGraph graph, Tensor<T> input)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var declared = graph.InputShape;
        if (input.Shape.Rank != declared.Rank || !input.Shape.Dims[1..].SequenceEqual(declared.Dims[1..]))
            throw new ArgumentException($"input shape {input.Shape} does not match the network's {declared} (batch may differ)");
        var values = new Dictionary<string, Tensor<T>> { [graph.Input] = input };
        foreach (var node in graph.Nodes)
        {
            var inputs = node.Inputs.Select(name => Value(graph, values, name)).ToArray();
            var outputs = node.Operator.Evaluate<T>(inputs);
            for (int k = 0; k < node.Outputs.Count; k++) values[node.Outputs[k]] = outputs[k];
        }
        return values;
    }

    /// <summary>The network's single output for a batch of inputs.</summary>
    public static Tensor<T> Evaluate<T>(NetworkGraph graph, Tensor<T> input) where T : unmanaged, IFloatingPointIeee754<T> =>
        EvaluateAll(graph, input)[graph.Output];

    /// <summary>Evaluates one flattened input vector; returns the flattened output.</summary>
    public static T[] EvaluateFlat<T>(NetworkGraph graph, ReadOnlySpan<T> input) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (input.Length != graph.InputShape.ElementCount)
            throw new ArgumentException($"input has {input.Length} values, the network takes {graph.InputShape.ElementCount}");
        return Evaluate(graph, new Tensor<T>(graph.InputShape, input.ToArray())).Data;
    }

    /// <summary>Evaluates <paramref name="count"/> flattened inputs stored back to back.</summary>
    public static T[] EvaluateBatch<T>(NetworkGraph graph, T[] inputs, int count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = graph.InputShape.Rank == 0 ? graph.InputShape : graph.InputShape.WithBatch(graph.InputShape[0] * count);
        if (graph.InputShape.Rank > 0 && graph.InputShape[0] != 1)
            throw new ArgumentException($"batched evaluation needs a declared batch of 1, the network declares {graph.InputShape}");
        return Evaluate(graph, new Tensor<T>(shape, inputs)).Data;
    }

    internal static Tensor<T> Value<T>(NetworkGraph graph, IReadOnlyDictionary<string, Tensor<T>> values, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (values.TryGetValue(name, out var v)) return v;
        if (graph.Constants.TryGetValue(name, out var c)) return c.As<T>();
        if (name.Length == 0) return new Tensor<T>(Shape.Scalar);
        throw new InvalidOperationException($"value '{name}' not computed");
    }
}
