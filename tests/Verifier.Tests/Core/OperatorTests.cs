using Verifier.Core.Operators;
using Verifier.Core.Tensors;

namespace Verifier.Tests.Core;

public class OperatorTests
{
    [Fact]
    public void BroadcastsLikeNumpy()
    {
        Assert.Equal(new Shape(2, 3, 4), Broadcasting.Result(new Shape(3, 1), new Shape(2, 1, 4)));
        Assert.Throws<ShapeException>(() => Broadcasting.Result(new Shape(3), new Shape(4)));
        var a = new Tensor<double>(new Shape(2, 1), [1, 2]);
        var b = new Tensor<double>(new Shape(3), [10, 20, 30]);
        var y = new BinaryOperator(BinaryKind.Sub).Evaluate([a, b])[0];
        Assert.Equal([-9, -19, -29, -8, -18, -28], y.Data);
    }

    [Fact]
    public void ConvolutionMatchesDirectSum()
    {
        var random = new Random(3);
        var kernel = ConstantTensor.FromFloats(new Shape(2, 3, 3, 2), Enumerable.Range(0, 36).Select(_ => (float)random.NextDouble() - 0.5f).ToArray());
        var bias = ConstantTensor.FromFloats(new Shape(2), [0.25f, -0.5f]);
        var window = new Window2D(3, 2, 2, 1, 1, 0, 1, 1, 1, 1, "NOTSET");
        var conv = new Conv(kernel, bias, window);
        var x = new Tensor<double>(new Shape(1, 3, 5, 4), Enumerable.Range(0, 60).Select(_ => random.NextDouble()).ToArray());
        var y = conv.Evaluate([x])[0];
        Assert.Equal(new Shape(1, 2, 3, 4), y.Shape);
        var k = kernel.As<double>().Data;
        for (int m = 0; m < 2; m++)
            for (int oy = 0; oy < 3; oy++)
                for (int ox = 0; ox < 4; ox++)
                {
                    double s = bias.Floats![m];
                    for (int c = 0; c < 3; c++)
                        for (int ky = 0; ky < 3; ky++)
                            for (int kx = 0; kx < 2; kx++)
                            {
                                int iy = oy * 2 - 1 + ky, ix = ox + kx;
                                if (iy is >= 0 and < 5 && ix is >= 0 and < 4) s += k[((m * 3 + c) * 3 + ky) * 2 + kx] * x.Data[(c * 5 + iy) * 4 + ix];
                            }
                    Assert.Equal(s, y.Data[(m * 3 + oy) * 4 + ox], 12);
                }
    }

    [Fact]
    public void SoftmaxIsStableForLargeLogits()
    {
        var x = new Tensor<float>(new Shape(1, 3), [1000f, 1000f, -1000f]);
        var y = new Softmax(-1, false).Evaluate([x])[0];
        Assert.Equal(0.5f, y.Data[0]);
        Assert.Equal(0f, y.Data[2]);
    }

    [Fact]
    public void AveragePoolCountsPaddingOnlyWhenAsked()
    {
        var x = new Tensor<double>(new Shape(1, 1, 2, 2), [1, 2, 3, 4]);
        var window = new Window2D(2, 2, 1, 1, 1, 1, 0, 0, 1, 1, "NOTSET");
        Assert.Equal(1.0, new Pool(false, window, false).Evaluate([x])[0].Data[0]);
        Assert.Equal(0.25, new Pool(false, window, true).Evaluate([x])[0].Data[0]);
        Assert.Equal(4.0, new Pool(true, window, false).Evaluate([x])[0].Data[3]);
    }
}
