using Verifier.Core.Operators;
using Verifier.Core.Tensors;

namespace Verifier.Dlv.Network;

/// <summary>One output neuron of a Dense or Conv layer as an affine function of the previous layer's flat values.</summary>
public sealed record AffineRow(int[] Inputs, double[] Weights, double Bias)
{
    public double Apply(ReadOnlySpan<double> x)
    {
        double sum = Bias;
        for (int i = 0; i < Inputs.Length; i++) sum += Weights[i] * x[Inputs[i]];
        return sum;
    }

    /// <summary>The weight of input <paramref name="input"/>, 0 when it is outside the receptive field.</summary>
    public double WeightOf(int input)
    {
        int k = Array.IndexOf(Inputs, input);
        return k < 0 ? 0 : Weights[k];
    }
}

/// <summary>Affine rows of Dense and Conv layers, read from the operators with padding, stride and dilation honoured.</summary>
public static class AffineRows
{
    public static AffineRow Row(DlvLayer layer, Shape inputShape, int neuron) => layer.Node!.Operator switch
    {
        AffineOperator dense => DenseRow(dense, neuron),
        Conv conv => ConvRow(conv, inputShape, neuron),
        var op => throw new InvalidOperationException($"{op.OpType} is not affine"),
    };

    private static AffineRow DenseRow(AffineOperator op, int neuron)
    {
        var w = op.Weight.As<double>().Data;
        int n = op.InFeatures;
        var inputs = Enumerable.Range(0, n).ToArray();
        var weights = new double[n];
        for (int i = 0; i < n; i++) weights[i] = op.Alpha * w[neuron * n + i];
        double bias = 0;
        if (op.Bias is { } b)
        {
            var data = b.As<double>().Data;
            bias = op.Beta * (data.Length == 1 ? data[0] : data[neuron % data.Length]);
        }
        return new AffineRow(inputs, weights, bias);
    }

    private static AffineRow ConvRow(Conv conv, Shape inputShape, int neuron)
    {
        int c = inputShape[0], h = inputShape[1], w = inputShape[2];
        var win = conv.Window;
        var (oh, ow, top, left) = win.Output(h, w);
        int co = neuron / (oh * ow), oy = neuron / ow % oh, ox = neuron % ow;
        var kernel = conv.Kernel.As<double>().Data;
        var inputs = new List<int>();
        var weights = new List<double>();
        for (int ci = 0; ci < c; ci++)
            for (int ky = 0; ky < win.KernelH; ky++)
                for (int kx = 0; kx < win.KernelW; kx++)
                {
                    int iy = oy * win.StrideH - top + ky * win.DilationH, ix = ox * win.StrideW - left + kx * win.DilationW;
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue; // zero padding contributes nothing
                    inputs.Add((ci * h + iy) * w + ix);
                    weights.Add(kernel[((co * c + ci) * win.KernelH + ky) * win.KernelW + kx]);
                }
        double bias = conv.Bias?.As<double>().Data[co] ?? 0;
        return new AffineRow([.. inputs], [.. weights], bias);
    }

    /// <summary>Conv output neurons (all channels) whose window reads input <paramref name="input"/>.</summary>
    public static IEnumerable<int> ConvNeuronsReading(Conv conv, Shape inputShape, Shape outputShape, int input)
    {
        int h = inputShape[1], w = inputShape[2], iy = input / w % h, ix = input % w;
        int co = outputShape[0], oh = outputShape[1], ow = outputShape[2];
        var win = conv.Window;
        var (_, _, top, left) = win.Output(h, w);
        for (int ch = 0; ch < co; ch++)
            for (int oy = 0; oy < oh; oy++)
            {
                int dy = iy + top - oy * win.StrideH;
                if (dy < 0 || dy % win.DilationH != 0 || dy / win.DilationH >= win.KernelH) continue;
                for (int ox = 0; ox < ow; ox++)
                {
                    int dx = ix + left - ox * win.StrideW;
                    if (dx < 0 || dx % win.DilationW != 0 || dx / win.DilationW >= win.KernelW) continue;
                    yield return (ch * oh + oy) * ow + ox;
                }
            }
    }
}
