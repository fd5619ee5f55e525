using System.Numerics;
using Verifier.Core.Evaluation;
using Verifier.Core.Graph;
using Verifier.Core.Tensors;

namespace Verifier.Core.Gradients;

/// <summary>The network's output for a batch and the gradient of the seeded scalar with respect to the input.</summary>
public sealed record GradientResult<T>(Tensor<T> Output, Tensor<T> InputGradient) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// Reverse-mode differentiation over a <see cref="NetworkGraph"/>: one batched forward pass that keeps every
/// intermediate value, then the nodes in reverse order, each applying its vector-Jacobian product. Batch rows
/// never mix in any operator, so row b of the input gradient is the gradient of row b's seeded scalar.
/// </summary>
public static class GraphGradient
{
    /// <summary>
    /// Gradient of sum_i seed_i * y_i with respect to the input, where <paramref name="outputGradient"/> maps the
    /// computed output y to the seed (dL/dy), so a loss that depends on y (cross-entropy, margins) is one call.
    /// </summary>
    public static GradientResult<T> Compute<T>(NetworkGraph graph, Tensor<T> input, Func<Tensor<T>, Tensor<T>> outputGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = Evaluator.EvaluateAll(graph, input);
        var output = values[graph.Output];
        var seed = outputGradient(output);
        if (!seed.Shape.Equals(output.Shape))
            throw new ArgumentException($"output gradient has shape {seed.Shape}, the output has {output.Shape}");

        var dependsOnInput = InputDependent(graph);
        var gradients = new Dictionary<string, Tensor<T>> { [graph.Output] = seed };
        for (int n = graph.Nodes.Count - 1; n >= 0; n--)
        {
            var node = graph.Nodes[n];
            if (!node.Outputs.Any(gradients.ContainsKey)) continue;
            var wanted = node.Inputs.Select(dependsOnInput.Contains).ToArray();
            if (!wanted.Any(w => w)) continue;
            var inputs = node.Inputs.Select(name => Evaluator.Value(graph, values, name)).ToArray();
            var outputs = node.Outputs.Select(o => values[o]).ToArray();
            var outputGradients = node.Outputs.Select(o => gradients.GetValueOrDefault(o) ?? new Tensor<T>(values[o].Shape)).ToArray();
            var inputGradients = node.Operator.Backward<T>(inputs, outputs, outputGradients, wanted);
            for (int k = 0; k < node.Inputs.Count; k++)
                if (wanted[k] && inputGradients[k] is { } g) Accumulate(gradients, node.Inputs[k], g);
        }
        var inputGradient = gradients.GetValueOrDefault(graph.Input) ?? new Tensor<T>(input.Shape);
        return new GradientResult<T>(output, inputGradient);
    }

    /// <summary>Gradient of sum_j c_j y_j (the same coefficients for every batch row) with respect to the input.</summary>
    public static GradientResult<T> OfLinear<T>(NetworkGraph graph, Tensor<T> input, IReadOnlyList<T> coefficients)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Compute(graph, input, y =>
        {
            if (y.Data.Length % coefficients.Count != 0)
                throw new ArgumentException($"{coefficients.Count} coefficients do not fit output {y.Shape}");
            var seed = new T[y.Data.Length];
            for (int i = 0; i < seed.Length; i++) seed[i] = coefficients[i % coefficients.Count];
            return new Tensor<T>(y.Shape, seed);
        });

    /// <summary>Values downstream of the data input: only these need a gradient.</summary>
    private static HashSet<string> InputDependent(NetworkGraph graph)
    {
        var set = new HashSet<string> { graph.Input };
        foreach (var node in graph.Nodes)
            if (node.Inputs.Any(set.Contains))
                set.UnionWith(node.Outputs);
        return set;
    }

    /// <summary>Sums contributions from several consumers into a fresh array, never into one an operator returned.</summary>
    private static void Accumulate<T>(Dictionary<string, Tensor<T>> gradients, string name, Tensor<T> g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!gradients.TryGetValue(name, out var existing)) { gradients[name] = g; return; }
        var sum = new T[g.Data.Length];
        System.Numerics.Tensors.TensorPrimitives.Add(existing.Data, g.Data, sum);
        gradients[name] = new Tensor<T>(existing.Shape, sum);
    }
}
