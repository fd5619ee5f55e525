using Verifier.Core.Encoding;
using Verifier.Core.Numerics;
using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

public abstract partial class AffineOperator
{
    private Rational[]? _exactWeights, _exactBias;

    /// <summary>Flat index of element k of row <paramref name="row"/> of the data input.</summary>
    protected virtual int InputIndex(int row, int k, int rows) => row * InFeatures + k;

    /// <summary>y = alpha * W x + beta * b, with alpha and beta folded into exact coefficients.</summary>
    public override EncodedValue Encode(EncodingContext context)
    {
        var x = context.Variables(0);
        int inF = InFeatures, outF = OutFeatures, rows = x.Length / inF;
        var weights = _exactWeights ??= AffineEncoding.Exact(Weight, Alpha);
        var weightValues = Weight.As<double>().Data;
        double alpha = Alpha;
        var bias = Bias is null ? null : _exactBias ??= AffineEncoding.Exact(Bias, Beta);
        var biasIndex = Bias is null ? null : Broadcasting.SourceIndices(Bias.Shape, new Shape(rows, outF));
        // inF products and additions, then the alpha scaling, the beta scaling and the bias addition.
        return AffineEncoding.Encode(context, rows * outF, inF + 3, (r, terms) =>
        {
            int row = r / outF, o = r % outF;
            for (int k = 0; k < inF; k++)
            {
                double w = weightValues[o * inF + k];
                if (w != 0) terms.Add(new AffineTerm(x, InputIndex(row, k, rows), weights[o * inF + k], alpha * w));
            }
            return bias is null ? Rational.Zero : bias[biasIndex![r]];
        });
    }
}

public sealed partial class Gemm
{
    protected override int InputIndex(int row, int k, int rows) => TransA ? k * rows + row : row * InFeatures + k;
}
