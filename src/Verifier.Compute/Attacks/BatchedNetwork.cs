using System.Numerics;
using Verifier.Core.Evaluation;
using Verifier.Core.Gradients;
using Verifier.Core.Graph;
using Verifier.Core.Tensors;

namespace Verifier.Compute.Attacks;

/// <summary>Writes the output gradient (seed) of one batch row, given that row's outputs.</summary>
public delegate void RowSeed<T>(int row, ReadOnlySpan<T> output, Span<T> seed);

/// <summary>
/// A network seen as rows of flattened inputs and outputs, evaluated and differentiated a whole batch per
/// call. A network whose declared leading dimension is not a batch of 1 is run row by row instead.
/// </summary>
public sealed class BatchedNetwork
{
    private readonly bool _batchable;

    public BatchedNetwork(NetworkGraph graph)
    {
        Graph = graph;
        InputSize = graph.InputShape.ElementCount;
        OutputSize = graph.OutputShape.ElementCount;
        _batchable = graph.InputShape.Rank > 0 && graph.InputShape[0] == 1 && graph.OutputShape.Rank > 0 && graph.OutputShape[0] == 1;
    }

    public NetworkGraph Graph { get; }
    public int InputSize { get; }
    public int OutputSize { get; }

    /// <summary>Outputs (rows x OutputSize) of rows x InputSize inputs.</summary>
    public T[] Evaluate<T>(T[] inputs, int rows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (_batchable) return Checked(Evaluator.Evaluate(Graph, new Tensor<T>(Graph.InputShape.WithBatch(rows), inputs)).Data, rows);
        var outputs = new T[rows * OutputSize];
        for (int r = 0; r < rows; r++)
            Evaluator.EvaluateFlat<T>(Graph, inputs.AsSpan(r * InputSize, InputSize)).CopyTo(outputs, r * OutputSize);
        return outputs;
    }

    /// <summary>One forward and one backward pass: the outputs and, per row, the gradient of seed . output.</summary>
    public (T[] Outputs, T[] Gradient) Gradient<T>(T[] inputs, int rows, RowSeed<T> seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (_batchable)
        {
            var result = GraphGradient.Compute(Graph, new Tensor<T>(Graph.InputShape.WithBatch(rows), inputs), y => Seeds(y, rows, 0, seed));
            return (Checked(result.Output.Data, rows), result.InputGradient.Data);
        }
        var outputs = new T[rows * OutputSize];
        var gradient = new T[rows * InputSize];
        for (int r = 0; r < rows; r++)
        {
            var row = new Tensor<T>(Graph.InputShape, inputs.AsSpan(r * InputSize, InputSize).ToArray());
            var result = GraphGradient.Compute(Graph, row, y => Seeds(y, 1, r, seed));
            result.Output.Data.CopyTo(outputs, r * OutputSize);
            result.InputGradient.Data.CopyTo(gradient, r * InputSize);
        }
        return (outputs, gradient);
    }

    private Tensor<T> Seeds<T>(Tensor<T> y, int rows, int firstRow, RowSeed<T> seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Checked(y.Data, rows);
        var s = new T[y.Data.Length];
        for (int r = 0; r < rows; r++)
            seed(firstRow + r, y.Data.AsSpan(r * OutputSize, OutputSize), s.AsSpan(r * OutputSize, OutputSize));
        return new Tensor<T>(y.Shape, s);
    }

    private T[] Checked<T>(T[] outputs, int rows) =>
        outputs.Length == rows * OutputSize ? outputs
        : throw new InvalidOperationException($"the output of '{Graph.Source}' does not scale with the batch ({outputs.Length} values for {rows} rows)");
}
