using Verifier.Core.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Verifier.Core.Bounds;

/// <summary>
/// A node seen as y = A x + b of its one variable input (flattened, batch 1), with the rounding error model of
/// <see cref="Rounding"/>. Interval and CROWN propagation of every affine operator go through this one type.
/// </summary>
public abstract class AffineMap
{
    protected AffineMap(int inSize, int outSize, double[] bias, int terms)
    {
        InSize = inSize;
        OutSize = outSize;
        Bias = bias;
        Terms = terms;
    }

    public int InSize { get; }
    public int OutSize { get; }

    /// <summary>b, one entry per output.</summary>
    public double[] Bias { get; }

    /// <summary>The longest float32 accumulation behind one output (products, bias and scaling operations).</summary>
    public int Terms { get; }

    /// <summary>Pure data movement (reshape, transpose): no arithmetic, no rounding.</summary>
    public bool Exact { get; init; }

    /// <summary>
    /// How far the float32 network's effective weights may be from A, relative to |A| (e.g. BatchNormalization
    /// folds scale / sqrt(var + eps) in float32, Div multiplies by a rounded reciprocal).
    /// </summary>
    public double WeightRelativeError { get; init; }

    /// <summary>Absolute uncertainty of b per output, for biases that the network computes in float32; or null.</summary>
    public double[]? BiasError { get; init; }

    /// <summary>y = A x (or |A| x when <paramref name="absolute"/>), no bias.</summary>
    public abstract void Multiply(ReadOnlySpan<double> x, Span<double> y, bool absolute);

    /// <summary>
    /// y = A x for the outputs whose <paramref name="skip"/> entry is false; the others are left as they are. Maps
    /// without a cheaper form compute every output.
    /// </summary>
    public virtual void MultiplySome(ReadOnlySpan<double> x, Span<double> y, bool[] skip) => Multiply(x, y, absolute: false);

    /// <summary>
    /// y += sum_i deltas[i] A[:, inputs[i]]: a product computed before, updated for a few changed inputs. False
    /// (y untouched) when the map has no column access.
    /// </summary>
    public virtual bool TryAddColumns(ReadOnlySpan<int> inputs, ReadOnlySpan<double> deltas, Span<double> y) => false;

    /// <summary>lambdaIn += A^T lambdaOut, for one row of a back-substitution matrix.</summary>
    public abstract void AccumulateTranspose(ReadOnlySpan<double> lambdaOut, Span<double> lambdaIn);

    /// <summary>y = A x (no bias) for <paramref name="rows"/> inputs at once (rows x InSize in, rows x OutSize out).</summary>
    public virtual void MultiplyRows(double[] x, double[] y, int rows)
    {
        for (int r = 0; r < rows; r++) Multiply(new ReadOnlySpan<double>(x, r * InSize, InSize), y.AsSpan(r * OutSize, OutSize), absolute: false);
    }

    /// <summary>
    /// lambdaIn += lambdaOut A for <paramref name="rows"/> rows of a back-substitution matrix at once;
    /// <paramref name="zeroed"/> says lambdaIn is still all zeros (so it may be overwritten).
    /// </summary>
    public virtual void AccumulateTransposeRows(double[] lambdaOut, double[] lambdaIn, int rows, bool zeroed)
    {
        for (int r = 0; r < rows; r++)
            AccumulateTranspose(new ReadOnlySpan<double>(lambdaOut, r * OutSize, OutSize), lambdaIn.AsSpan(r * InSize, InSize));
    }

    /// <summary>
    /// E with |fl(Ax + b) - (Ax + b)| &lt;= E for every x with |x| &lt;= <paramref name="absMax"/>, for float32 and
    /// float64 evaluation and for our own float64 products of A with such x.
    /// </summary>
    public double[] Error(ReadOnlySpan<double> absMax)
    {
        var e = new double[OutSize];
        if (Exact) return e;
        Multiply(absMax, e, absolute: true);
        double gamma = Rounding.AffineGamma(Terms), slack = 1 + 1e-6;
        for (int o = 0; o < OutSize; o++)
        {
            double ax = e[o];
            e[o] = (gamma * (ax + Math.Abs(Bias[o])) + WeightRelativeError * ax) * slack + (BiasError?[o] ?? 0) + 1e-300;
            if (double.IsNaN(e[o])) e[o] = double.PositiveInfinity;
        }
        return e;
    }

    /// <summary>Interval image of a box: centre/radius form, widened by <see cref="Error"/> and outward rounding.</summary>
    public ValueBounds Interval(ValueBounds x, out double[] error)
    {
        int n = InSize;
        var centre = new double[n];
        var radius = new double[n];
        var absMax = new double[n];
        for (int i = 0; i < n; i++)
        {
            double l = x.Lower[i], u = x.Upper[i];
            double c = double.IsFinite(l) && double.IsFinite(u) ? l + (u - l) / 2 : (double.IsFinite(l) ? l : double.IsFinite(u) ? u : 0);
            // The radius is taken from the rounded centre, then pushed up, so [l, u] is inside [c - r, c + r].
            radius[i] = Rounding.Up(Math.Max(u - c, c - l));
            centre[i] = c;
            absMax[i] = Rounding.AbsMax(l, u);
        }
        error = Error(absMax);
        var yc = new double[OutSize];
        var yr = new double[OutSize];
        Multiply(centre, yc, absolute: false);
        Multiply(radius, yr, absolute: true);
        var lower = new double[OutSize];
        var upper = new double[OutSize];
        for (int o = 0; o < OutSize; o++)
        {
            double mid = yc[o] + Bias[o], half = yr[o] + error[o];
            lower[o] = Rounding.Down(mid - half);
            upper[o] = Rounding.Up(mid + half);
        }
        return new ValueBounds(lower, upper);
    }
}

/// <summary>
/// y[r, o] = sum_i W[o, i] x[r, i] + b[r, o] with x read through an optional gather (Gemm with transA). Rows are
/// the leading dims of the input, usually one.
/// </summary>
public sealed class DenseMap : AffineMap
{
    private readonly double[] _weight;
    private readonly double[] _absWeight;
    private double[]? _weightInOut;
    private readonly int _rows, _in, _out;
    private readonly bool _transposedInput;

    public DenseMap(double[] weightOutIn, int rows, int inFeatures, int outFeatures, double[] bias, bool transposedInput, int extraOperations)
        : base(rows * inFeatures, rows * outFeatures, bias, inFeatures + extraOperations)
    {
        _weight = weightOutIn;
        _absWeight = new double[weightOutIn.Length];
        TP.Abs(weightOutIn, _absWeight);
        (_rows, _in, _out, _transposedInput) = (rows, inFeatures, outFeatures, transposedInput);
    }

    private ReadOnlySpan<double> InputRow(ReadOnlySpan<double> x, int r, Span<double> scratch)
    {
        if (!_transposedInput) return x.Slice(r * _in, _in);
        for (int i = 0; i < _in; i++) scratch[i] = x[i * _rows + r];
        return scratch;
    }

    public override void Multiply(ReadOnlySpan<double> x, Span<double> y, bool absolute)
    {
        var w = absolute ? _absWeight : _weight;
        var scratch = _transposedInput ? new double[_in] : [];
        for (int r = 0; r < _rows; r++) DenseKernels.MatVec(w, _out, _in, InputRow(x, r, scratch), y.Slice(r * _out, _out));
    }

    public override void MultiplySome(ReadOnlySpan<double> x, Span<double> y, bool[] skip)
    {
        if (_rows != 1 || _transposedInput)
        {
            Multiply(x, y, absolute: false);
            return;
        }
        DenseKernels.MatVec(_weight, _out, _in, x, y, skip);
    }

    public override bool TryAddColumns(ReadOnlySpan<int> inputs, ReadOnlySpan<double> deltas, Span<double> y)
    {
        if (_rows != 1 || _transposedInput) return false;
        var weightInOut = _weightInOut ??= DenseKernels.Transposed(_weight, _out, _in);
        for (int k = 0; k < inputs.Length; k++)
            TP.MultiplyAdd(new ReadOnlySpan<double>(weightInOut, inputs[k] * _out, _out), deltas[k], y, y);
        return true;
    }

    /// <summary>
    /// Many rows as one product with the GEMM kernel (the per-row form is bound by call overhead on narrow
    /// layers); the sums are float64 in another order, covered by the same accumulation allowance.
    /// </summary>
    public override void AccumulateTransposeRows(double[] lambdaOut, double[] lambdaIn, int rows, bool zeroed)
    {
        if (_rows != 1 || _transposedInput || rows < 4)
        {
            base.AccumulateTransposeRows(lambdaOut, lambdaIn, rows, zeroed);
            return;
        }
        var weightInOut = _weightInOut ??= DenseKernels.Transposed(_weight, _out, _in);
        if (zeroed)
        {
            DenseKernels.MultiplyTransposed(lambdaOut, weightInOut, lambdaIn, rows, _in, _out);
            return;
        }
        var product = new double[rows * _in];
        DenseKernels.MultiplyTransposed(lambdaOut, weightInOut, product, rows, _in, _out);
        TP.Add(lambdaIn.AsSpan(0, rows * _in), product, lambdaIn.AsSpan(0, rows * _in));
    }

    /// <summary>Many inputs as one product with the GEMM kernel (see <see cref="AccumulateTransposeRows"/>).</summary>
    public override void MultiplyRows(double[] x, double[] y, int rows)
    {
        if (_rows != 1 || _transposedInput || rows < 4) base.MultiplyRows(x, y, rows);
        else DenseKernels.MultiplyTransposed(x, _weight, y, rows, _out, _in);
    }

    public override void AccumulateTranspose(ReadOnlySpan<double> lambdaOut, Span<double> lambdaIn)
    {
        var scratch = _transposedInput ? new double[_in] : null;
        for (int r = 0; r < _rows; r++)
        {
            var target = _transposedInput ? scratch.AsSpan() : lambdaIn.Slice(r * _in, _in);
            if (_transposedInput) target.Clear();
            DenseKernels.AccumulateRows(_weight, _out, _in, lambdaOut.Slice(r * _out, _out), target);
            if (_transposedInput)
                for (int i = 0; i < _in; i++) lambdaIn[i * _rows + r] += target[i];
        }
    }
}

/// <summary>
/// A sparse A in compressed rows: output k is sum over its entries of weight * x[index] (Conv, AveragePool,
/// per-element scaling, broadcasting and pure data movement).
/// </summary>
public sealed class SparseMap : AffineMap
{
    private readonly int[] _rowStart;
    private readonly int[] _index;
    private readonly double[] _weight;

    /// <param name="rowStart">OutSize + 1 offsets into <paramref name="index"/>/<paramref name="weight"/>.</param>
    /// <param name="weight">Entry weights, or null for all ones.</param>
    public SparseMap(int inSize, int[] rowStart, int[] index, double[]? weight, double[] bias, int extraOperations)
        : base(inSize, rowStart.Length - 1, bias, MaxRowLength(rowStart) + extraOperations)
    {
        _rowStart = rowStart;
        _index = index;
        _weight = weight ?? Enumerable.Repeat(1.0, index.Length).ToArray();
        UnitDiagonal = inSize == OutSize && index.Length == OutSize && _weight.All(w => w == 1)
            && Enumerable.Range(0, OutSize).All(k => rowStart[k] == k && index[k] == k);
    }

    /// <summary>A = I (only a bias, or nothing): back-substitution passes the coefficients through unchanged.</summary>
    public bool UnitDiagonal { get; }

    /// <summary>y[k] = scale[k] * x[source[k]] + offset[k]; null scale means 1, null offset 0, null source identity.</summary>
    public static SparseMap Elementwise(int inSize, int outSize, int[]? source, double[]? scale, double[]? offset,
        double weightRelativeError = 0, double[]? biasError = null)
    {
        var rowStart = Enumerable.Range(0, outSize + 1).ToArray();
        var index = source ?? Enumerable.Range(0, outSize).ToArray();
        bool exact = scale is null && offset is null;
        return new SparseMap(inSize, rowStart, index, scale, offset ?? new double[outSize], exact ? 0 : 1)
        {
            Exact = exact,
            WeightRelativeError = weightRelativeError,
            BiasError = biasError,
        };
    }

    /// <summary>The most entries of one output row.</summary>
    public static int MaxRowLength(int[] rowStart)
    {
        int m = 0;
        for (int k = 0; k + 1 < rowStart.Length; k++) m = Math.Max(m, rowStart[k + 1] - rowStart[k]);
        return m;
    }

    public override void Multiply(ReadOnlySpan<double> x, Span<double> y, bool absolute) => Rows(x, y, absolute, null);

    /// <summary>
    /// Skips what <paramref name="skip"/> marks: a convolution feeding a ReLU computes no dead output in alpha-CROWN's
    /// gradient pass (fashion-cnn-adv: the second convolution's full product was 30 % of a search's profile).
    /// </summary>
    public override void MultiplySome(ReadOnlySpan<double> x, Span<double> y, bool[] skip) => Rows(x, y, absolute: false, skip);

    private void Rows(ReadOnlySpan<double> x, Span<double> y, bool absolute, bool[]? skip)
    {
        for (int k = 0; k < OutSize; k++)
        {
            if (skip is not null && skip[k]) continue;
            double acc = 0;
            if (absolute)
                for (int e = _rowStart[k]; e < _rowStart[k + 1]; e++) acc += Math.Abs(_weight[e]) * x[_index[e]];
            else
                for (int e = _rowStart[k]; e < _rowStart[k + 1]; e++) acc += _weight[e] * x[_index[e]];
            y[k] = acc;
        }
    }

    public override void AccumulateTranspose(ReadOnlySpan<double> lambdaOut, Span<double> lambdaIn)
    {
        for (int k = 0; k < OutSize; k++)
        {
            double c = lambdaOut[k];
            if (c == 0) continue;
            for (int e = _rowStart[k]; e < _rowStart[k + 1]; e++) lambdaIn[_index[e]] += c * _weight[e];
        }
    }

    /// <summary>The entries ordered by input (built on first use): the outputs each input feeds, with their weights.</summary>
    private sealed record ColumnIndex(int[] Start, int[] Output, double[] Weight);

    private ColumnIndex? _columns;

    private ColumnIndex Columns()
    {
        if (_columns is { } built) return built;
        var start = new int[InSize + 1];
        foreach (int i in _index) start[i + 1]++;
        for (int i = 0; i < InSize; i++) start[i + 1] += start[i];
        var next = start[..InSize];
        var output = new int[_index.Length];
        var weight = new double[_index.Length];
        for (int k = 0; k < OutSize; k++)
            for (int e = _rowStart[k]; e < _rowStart[k + 1]; e++)
            {
                int p = next[_index[e]]++;
                (output[p], weight[p]) = (k, _weight[e]);
            }
        return _columns = new ColumnIndex(start, output, weight);
    }

    /// <summary>
    /// By input, so a first-layer convolution's product at a vertex that moved in a few pixels costs their
    /// receptive fields only (alpha-CROWN's gradient pass at every iteration).
    /// </summary>
    public override bool TryAddColumns(ReadOnlySpan<int> inputs, ReadOnlySpan<double> deltas, Span<double> y)
    {
        var columns = Columns();
        for (int q = 0; q < inputs.Length; q++)
        {
            int i = inputs[q];
            double d = deltas[q];
            for (int p = columns.Start[i]; p < columns.Start[i + 1]; p++) y[columns.Output[p]] += d * columns.Weight[p];
        }
        return true;
    }
}
