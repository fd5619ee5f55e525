using Verifier.Compute.Backends;

namespace Verifier.Compute.Training.Certified;

/// <summary>
/// CROWN-IBP's margin bounds (Zhang et al., ICLR 2020): the elided margin rows c = W_y - W_j
/// (<see cref="ElidedMargins.Rows"/>) are back-substituted through the layers below the last (dense: c W;
/// convolution: the transposed convolution of the rows; ReLU: <see cref="ReluRelaxation"/> on the IBP pre-activation
/// bounds; flatten) and concretised on the clipped eps-box. Max pooling has no relaxation here: the pass stops above
/// the last max pooling layer and concretises on the IBP bounds of its output (sound, looser). One row per sample and
/// class, so each layer is one batched GEMM or convolution over all rows.
/// The backward pass differentiates through everything that depends on the parameters: the weights met on the way,
/// the biases in the constants, and the IBP bounds that place the ReLUs' upper lines, returned as gradients of
/// those bounds for the interval pass's backward (<see cref="IntervalBoundPass"/>).
/// Float32 without outward rounding, like the interval pass: this trains and estimates; proofs come from the verifier.
/// </summary>
public sealed class CrownMargins : IDisposable
{
    private readonly Sequential _model;
    private readonly IComputeBackend _backend;
    private readonly int _classes, _last, _stop;
    private readonly Dictionary<int, ComputeBuffer<float>> _rows = new(), _dRows = new();
    private readonly Dictionary<int, ReluRelaxation> _relu = new();
    private readonly Dictionary<int, AffineScratch> _affine = new();
    private ComputeBuffer<float>? _rowGradient;
    private double[] _constants = [];
    private float[] _centre = [], _radius = [];
    // Host copies of the rows for the element-wise steps, kept between calls: they are large, and new ones each step would churn the large-object heap.
    private float[] _hostRows = [], _hostGradients = [], _hostResult = [];

    public CrownMargins(Sequential model)
    {
        (_model, _backend, _classes, _last) = (model, model.Backend, model.OutputSize, model.Layers.Count - 1);
        _stop = _last; // the first layer the back-substitution passes through
        while (_stop > 0 && model.Layers[_stop - 1] is DenseLayer or Conv2DLayer or ReluLayer or FlattenLayer) _stop--;
    }

    /// <summary>
    /// Lower bounds of the margins z_y - z_j (0 at j = label), samples by classes, after <paramref name="intervals"/>'
    /// <see cref="IntervalBoundPass.Margins"/> on the same batch (its intermediate bounds set the ReLU relaxations).
    /// </summary>
    public float[] Margins(IntervalBoundPass intervals, ElidedMargins elided, ReadOnlySpan<int> labels, int batch)
    {
        int rows = batch * _classes;
        _constants = new double[rows];
        Rows(_last, rows).Upload(elided.Rows(labels, batch, _constants));
        for (int i = _last - 1; i >= _stop; i--) Substitute(i, intervals, rows, batch);
        return Concretise(intervals.LayerInput(_stop), rows, batch);
    }

    private void Substitute(int i, IntervalBoundPass intervals, int rows, int batch)
    {
        var layer = _model.Layers[i];
        if (layer is FlattenLayer) return; // the rows keep their layout
        var (above, below) = (Rows(i + 1, rows), Rows(i, rows));
        switch (layer)
        {
            case DenseLayer dense:
                AddBiasConstants(i, dense.Bias, above, rows);
                _backend.Gemm(GemmLayout.NN, rows, dense.InputSize, dense.OutputSize, above, dense.Weight.Value, below, false);
                break;
            case Conv2DLayer conv:
                AddBiasConstants(i, conv.Bias, above, rows);
                _backend.ConvBackward(conv.Geometry, rows, above, conv.Kernel.Value, above, null, null, below);
                break;
            case ReluLayer relu:
            {
                var bounds = intervals.LayerInput(i);
                int n = relu.InputSize;
                var relaxation = _relu.TryGetValue(i, out var r) ? r : _relu[i] = new ReluRelaxation();
                relaxation.Relax(Buffers.Download(bounds.Lower, batch * n), Buffers.Download(bounds.Upper, batch * n), n);
                var result = Buffers.Host(ref _hostResult, rows * n);
                relaxation.Substitute(Buffers.Download(above, rows * n, ref _hostRows), result, _constants, rows, _classes);
                below.Upload(result.AsSpan(0, rows * n));
                break;
            }
            default:
                throw new InvalidOperationException($"CROWN back-substitution does not pass {layer.GetType().Name}");
        }
    }

    /// <summary>m = constant + sum_k min over [l_k, u_k] of a_k x_k = constant + a . centre - |a| . radius.</summary>
    private float[] Concretise(Interval box, int rows, int batch)
    {
        int n = InputSizeOf(_stop);
        (_centre, _radius) = (Buffers.Download(box.Lower, batch * n), Buffers.Download(box.Upper, batch * n));
        for (int k = 0; k < batch * n; k++) (_centre[k], _radius[k]) = (0.5f * (_centre[k] + _radius[k]), 0.5f * (_radius[k] - _centre[k]));
        var a = Buffers.Download(Rows(_stop, rows), rows * n, ref _hostRows);
        var margins = new float[rows];
        Parallel.For(0, rows, r =>
        {
            var row = a.AsSpan(r * n, n);
            var centre = _centre.AsSpan(r / _classes * n, n);
            var radius = _radius.AsSpan(r / _classes * n, n);
            double m = _constants[r];
            for (int k = 0; k < n; k++) m += row[k] * centre[k] - Math.Abs(row[k]) * radius[k];
            margins[r] = (float)m;
        });
        return margins;
    }

    /// <summary>
    /// After <see cref="Margins"/>: adds to every parameter's gradient that of a loss whose gradient with respect to
    /// the margins is <paramref name="dMargins"/>, and returns its gradient with respect to the IBP bounds of the layers'
    /// inputs it depends on (by layer index; null elsewhere), which the interval pass's backward adds in.
    /// </summary>
    public (float[] Lower, float[] Upper)?[] Backward(double[] dMargins, ElidedMargins elided, ReadOnlySpan<int> labels, int batch)
    {
        int rows = batch * _classes;
        var boundGradients = new (float[] Lower, float[] Upper)?[_model.Layers.Count];
        var rowGradient = new float[rows];
        for (int r = 0; r < rows; r++) rowGradient[r] = (float)dMargins[r];
        var g = Buffers.AtLeast(_backend, ref _rowGradient, rows);
        g.Upload(rowGradient);
        boundGradients[_stop] = ConcretisationGradient(dMargins, rows, batch);
        for (int i = _stop; i < _last; i++) Differentiate(i, dMargins, g, rows, batch, boundGradients);
        var dRows = Buffers.Download(DRows(_last, rows), rows * InputSizeOf(_last));
        var last = (DenseLayer)_model.Layers[_last];
        var (dWeight, dBias) = (last.Weight.Gradient.ToArray(), last.Bias.Gradient.ToArray());
        elided.RowsBackward(dRows, dMargins, labels, batch, dWeight, dBias);
        last.Weight.Gradient.Upload(dWeight);
        last.Bias.Gradient.Upload(dBias);
        return boundGradients;
    }

    /// <summary>d/da of a . centre - |a| . radius, and (above the input) d/d(l, u) of the box it was taken on.</summary>
    private (float[], float[])? ConcretisationGradient(double[] dMargins, int rows, int batch)
    {
        int n = InputSizeOf(_stop);
        var a = Buffers.Download(Rows(_stop, rows), rows * n, ref _hostRows);
        var dA = Buffers.Host(ref _hostResult, rows * n);
        var (dCentre, dRadius) = (new double[batch * n], new double[batch * n]);
        Parallel.For(0, batch, s =>
        {
            var centre = _centre.AsSpan(s * n, n);
            var radius = _radius.AsSpan(s * n, n);
            var sampleCentre = dCentre.AsSpan(s * n, n);
            var sampleRadius = dRadius.AsSpan(s * n, n);
            for (int r = s * _classes; r < (s + 1) * _classes; r++)
            {
                var row = a.AsSpan(r * n, n);
                var dRow = dA.AsSpan(r * n, n);
                double g = dMargins[r];
                for (int k = 0; k < n; k++)
                {
                    dRow[k] = (float)(g * (centre[k] - Math.Sign(row[k]) * radius[k]));
                    sampleCentre[k] += g * row[k];
                    sampleRadius[k] -= g * Math.Abs(row[k]);
                }
            }
        });
        DRows(_stop, rows).Upload(dA.AsSpan(0, rows * n));
        if (_stop == 0) return null;
        var (dLower, dUpper) = (new float[batch * n], new float[batch * n]);
        for (int k = 0; k < batch * n; k++)
            (dLower[k], dUpper[k]) = ((float)(0.5 * (dCentre[k] - dRadius[k])), (float)(0.5 * (dCentre[k] + dRadius[k])));
        return (dLower, dUpper);
    }

    /// <summary>From the gradient of the rows at layer i's input to that at its output, adding the layer's parameter gradients.</summary>
    private void Differentiate(int i, double[] dMargins, ComputeBuffer<float> g, int rows, int batch, (float[], float[])?[] boundGradients)
    {
        var layer = _model.Layers[i];
        if (layer is FlattenLayer) return;
        var (above, dBelow, dAbove) = (Rows(i + 1, rows), DRows(i, rows), DRows(i + 1, rows));
        switch (layer)
        {
            case DenseLayer dense:
                _backend.Gemm(GemmLayout.TN, dense.OutputSize, dense.InputSize, rows, above, dBelow, dense.Weight.Gradient, true);
                _backend.Gemm(GemmLayout.NT, rows, dense.OutputSize, dense.InputSize, dBelow, dense.Weight.Value, dAbove, false);
                DifferentiateBias(i, dense.Bias, above, dAbove, g, rows);
                break;
            case Conv2DLayer conv:
            {
                var s = _affine[i];
                _backend.ConvBackward(conv.Geometry, rows, dBelow, conv.Kernel.Value, above, s.KernelGradient(conv.Kernel.Length), null, null);
                _backend.Axpy(1f, s.KernelGradient(conv.Kernel.Length), conv.Kernel.Gradient, conv.Kernel.Length);
                _backend.ConvForward(conv.Geometry, rows, dBelow, conv.Kernel.Value, s.ZeroBias(conv.Bias.Length), dAbove);
                DifferentiateBias(i, conv.Bias, above, dAbove, g, rows);
                break;
            }
            case ReluLayer relu:
            {
                int n = relu.InputSize;
                var result = Buffers.Host(ref _hostResult, rows * n);
                boundGradients[i] = _relu[i].Differentiate(Buffers.Download(above, rows * n, ref _hostRows), Buffers.Download(dBelow, rows * n, ref _hostGradients),
                    dMargins, result, rows, _classes);
                dAbove.Upload(result.AsSpan(0, rows * n));
                break;
            }
        }
    }

    /// <summary>The bias term of the constants, sum_o a_o b_o with b broadcast over positions, as one GEMM against the broadcast bias.</summary>
    private void AddBiasConstants(int i, Parameter bias, ComputeBuffer<float> above, int rows)
    {
        var s = _affine.TryGetValue(i, out var existing) ? existing : _affine[i] = new AffineScratch(_backend, InputSizeOf(i + 1));
        s.Broadcast(bias);
        var products = s.RowScratch(rows);
        _backend.Gemm(GemmLayout.NN, rows, 1, s.Outputs, above, s.BroadcastBias, products, false);
        var host = Buffers.Download(products, rows);
        for (int r = 0; r < rows; r++) _constants[r] += host[r];
    }

    /// <summary>Through the bias term: d/da_o += g b_o, and d/db_ch = sum over rows and the channel's positions of g a_o.</summary>
    private void DifferentiateBias(int i, Parameter bias, ComputeBuffer<float> above, ComputeBuffer<float> dAbove, ComputeBuffer<float> g, int rows)
    {
        var s = _affine[i];
        _backend.Gemm(GemmLayout.NN, rows, s.Outputs, 1, g, s.BroadcastBias, dAbove, true);
        _backend.Gemm(GemmLayout.TN, s.Outputs, 1, rows, above, g, s.OutputScratch, false);
        var perOutput = Buffers.Download(s.OutputScratch, s.Outputs);
        var dBias = bias.Gradient.ToArray();
        int positions = s.Outputs / bias.Length;
        for (int o = 0; o < s.Outputs; o++) dBias[o / positions] += perOutput[o];
        bias.Gradient.Upload(dBias);
    }

    private int InputSizeOf(int layer) => _model.Layers[layer].InputSize;

    /// <summary>The rows at layer i's input: a flatten layer shares those at its output.</summary>
    private ComputeBuffer<float> Rows(int i, int rows) => RowBuffer(_rows, i, rows);

    private ComputeBuffer<float> DRows(int i, int rows) => RowBuffer(_dRows, i, rows);

    private ComputeBuffer<float> RowBuffer(Dictionary<int, ComputeBuffer<float>> buffers, int i, int rows)
    {
        while (i < _last && _model.Layers[i] is FlattenLayer) i++;
        buffers.TryGetValue(i, out var buffer);
        buffers[i] = Buffers.AtLeast(_backend, ref buffer, checked(rows * InputSizeOf(i)));
        return buffers[i];
    }

    public void Dispose()
    {
        foreach (var b in _rows.Values.Concat(_dRows.Values)) b.Dispose();
        foreach (var s in _affine.Values) s.Dispose();
        _rowGradient?.Dispose();
    }
}
