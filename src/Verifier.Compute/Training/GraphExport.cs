using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;

namespace Verifier.Compute.Training;

/// <summary>
/// Converts a trained model into a Core network graph (Gemm with (out,in) weights, Conv NCHW, Relu, MaxPool,
/// Flatten) so that every analysis, and the ONNX exporter, can take it. The input has a batch of 1.
/// </summary>
public static class GraphExport
{
    public const string InputName = "input";
    public const string OutputName = "logits";

    public static NetworkGraph ToGraph(Sequential model, string source = "trained model")
    {
        var builder = new NetworkGraphBuilder(source, "trained");
        builder.AddInput(InputName, new Shape([1, .. model.InputShape]));
        string current = InputName;
        int rank = model.InputShape.Length + 1;
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            string output = i == model.Layers.Count - 1 ? OutputName : $"layer{i}";
            if (layer is DenseLayer && rank > 2)
            {
                current = AddNode(builder, $"flatten{i}", new Flatten(1), [current], $"layer{i}_flat");
                rank = 2;
            }
            current = layer switch
            {
                DenseLayer d => AddNode(builder, $"dense{i}", new Gemm(Constant(builder, d.Weight), Constant(builder, d.Bias), 1f, 1f, false),
                    [current, d.Weight.Name, d.Bias.Name], output),
                Conv2DLayer c => AddNode(builder, $"conv{i}", new Conv(Constant(builder, c.Kernel), Constant(builder, c.Bias), ConvWindow(c)),
                    [current, c.Kernel.Name, c.Bias.Name], output),
                ReluLayer => AddNode(builder, $"relu{i}", new Relu(), [current], output),
                MaxPoolLayer p => AddNode(builder, $"maxpool{i}", new Pool(true, PoolWindow(p), false), [current], output),
                FlattenLayer => AddNode(builder, $"flatten{i}", new Flatten(1), [current], output),
                _ => throw new NotSupportedException($"no graph form for {layer.GetType().Name}"),
            };
            rank = layer.OutputShape.Length + 1;
        }
        builder.AddOutput(current);
        return builder.Build();
    }

    private static string AddNode(NetworkGraphBuilder builder, string name, Operator op, string[] inputs, string output)
    {
        builder.AddNode(new Node(name, op, inputs, [output]));
        return output;
    }

    /// <summary>The parameter's current values as a graph constant named after it.</summary>
    private static ConstantTensor Constant(NetworkGraphBuilder builder, Parameter p)
    {
        var tensor = ConstantTensor.FromFloats(new Shape(p.Shape), p.Value.ToArray());
        builder.AddConstant(p.Name, tensor);
        return tensor;
    }

    private static Window2D ConvWindow(Conv2DLayer c)
    {
        var g = c.Geometry;
        return new Window2D(g.KernelH, g.KernelW, g.Stride, g.Stride, g.Pad, g.Pad, g.Pad, g.Pad, 1, 1, "NOTSET");
    }

    private static Window2D PoolWindow(MaxPoolLayer p) =>
        new(p.Geometry.Size, p.Geometry.Size, p.Geometry.Stride, p.Geometry.Stride, 0, 0, 0, 0, 1, 1, "NOTSET");
}
