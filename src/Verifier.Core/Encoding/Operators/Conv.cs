using Verifier.Core.Encoding;
using Verifier.Core.Numerics;

namespace Verifier.Core.Operators;

public sealed partial class Conv
{
    private Rational[]? _exactKernel, _exactBias;

    /// <summary>Each output position is an affine row over its receptive field (padding contributes nothing).</summary>
    public override EncodedValue Encode(EncodingContext context)
    {
        var x = context.Variables(0);
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var (oh, ow, top, left) = Window.Output(h, w);
        int kh = Window.KernelH, kw = Window.KernelW, m = OutChannels;
        var kernel = _exactKernel ??= AffineEncoding.Exact(Kernel);
        var kernelValues = Kernel.As<double>().Data;
        var bias = Bias is null ? null : _exactBias ??= AffineEncoding.Exact(Bias);
        return AffineEncoding.Encode(context, n * m * oh * ow, c * kh * kw + 1, (r, terms) =>
        {
            int ox = r % ow, oy = r / ow % oh, mo = r / (ow * oh) % m, b = r / (ow * oh * m);
            for (int ci = 0; ci < c; ci++)
                for (int ky = 0; ky < kh; ky++)
                {
                    int iy = oy * Window.StrideH - top + ky * Window.DilationH;
                    if (iy < 0 || iy >= h) continue;
                    for (int kx = 0; kx < kw; kx++)
                    {
                        int ix = ox * Window.StrideW - left + kx * Window.DilationW;
                        int k = ((mo * c + ci) * kh + ky) * kw + kx;
                        if (ix < 0 || ix >= w || kernelValues[k] == 0) continue;
                        terms.Add(new AffineTerm(x, ((b * c + ci) * h + iy) * w + ix, kernel[k], kernelValues[k]));
                    }
                }
            return bias is null ? Rational.Zero : bias[mo];
        });
    }
}
