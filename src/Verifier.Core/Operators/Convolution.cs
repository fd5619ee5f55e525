using System.Numerics;
using Verifier.Core.Tensors;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Verifier.Core.Operators;

/// <summary>Spatial geometry of a 2-D sliding window (Conv, MaxPool, AveragePool) over NCHW input.</summary>
public sealed record Window2D(int KernelH, int KernelW, int StrideH, int StrideW,
    int PadTop, int PadLeft, int PadBottom, int PadRight, int DilationH, int DilationW, string AutoPad)
{
    public (int OutH, int OutW, int Top, int Left) Output(int h, int w)
    {
        int effH = (KernelH - 1) * DilationH + 1, effW = (KernelW - 1) * DilationW + 1;
        if (AutoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            int oh = (h + StrideH - 1) / StrideH, ow = (w + StrideW - 1) / StrideW;
            int ph = Math.Max(0, (oh - 1) * StrideH + effH - h), pw = Math.Max(0, (ow - 1) * StrideW + effW - w);
            bool upper = AutoPad == "SAME_UPPER";
            return (oh, ow, upper ? ph / 2 : ph - ph / 2, upper ? pw / 2 : pw - pw / 2);
        }
        int outH = (h + PadTop + PadBottom - effH) / StrideH + 1, outW = (w + PadLeft + PadRight - effW) / StrideW + 1;
        if (outH <= 0 || outW <= 0) throw new ShapeException($"window {KernelH}x{KernelW} does not fit input {h}x{w}");
        return (outH, outW, PadTop, PadLeft);
    }

    public static Shape CheckNchw(Shape s, string op) =>
        s.Rank == 4 ? s : throw new ShapeException($"{op} supports 2-D NCHW input only, got {s}");
}

/// <summary>2-D convolution (cross-correlation, as ONNX defines it), group 1, with constant kernel and bias.</summary>
public sealed partial class Conv(ConstantTensor kernel, ConstantTensor? bias, Window2D window) : Operator
{
    public ConstantTensor Kernel { get; } = kernel;
    public ConstantTensor? Bias { get; } = bias;
    public Window2D Window { get; } = window;
    public int OutChannels => Kernel.Shape[0];
    public int InChannels => Kernel.Shape[1];
    public override string OpType => "Conv";
    public override IReadOnlyList<int> ConstantInputs => [1, 2];

    public override Shape[] InferShapes(IReadOnlyList<Shape> inputs)
    {
        var s = Window2D.CheckNchw(inputs[0], OpType);
        if (s[1] != InChannels) throw new ShapeException($"Conv input {s} has {s[1]} channels, kernel expects {InChannels}");
        var (oh, ow, _, _) = Window.Output(s[2], s[3]);
        return One(new Shape(s[0], OutChannels, oh, ow));
    }

    public override Tensor<T>[] Evaluate<T>(IReadOnlyList<Tensor<T>> inputs)
    {
        var x = inputs[0];
        var outShape = InferShapes([x.Shape])[0];
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var (oh, ow, top, left) = Window.Output(h, w);
        int kh = Window.KernelH, kw = Window.KernelW, patch = c * kh * kw, m = OutChannels;
        var kernelData = Kernel.As<T>().Data;
        var biasData = Bias?.As<T>().Data;
        var y = new T[outShape.ElementCount];
        var sources = PatchSources(c, h, w);
        Parallel.For(0, n, b =>
        {
            // im2col with one contiguous patch per output position, so each output is one dot product.
            var cols = new T[sources.Length];
            int xBase = b * c * h * w;
            for (int p = 0; p < cols.Length; p++) cols[p] = sources[p] < 0 ? T.Zero : x.Data[xBase + sources[p]];
            int yBase = b * m * oh * ow;
            for (int mo = 0; mo < m; mo++)
            {
                var k = new ReadOnlySpan<T>(kernelData, mo * patch, patch);
                T bv = biasData is null ? T.Zero : biasData[mo];
                for (int pos = 0; pos < oh * ow; pos++)
                    y[yBase + mo * oh * ow + pos] = TP.Dot(new ReadOnlySpan<T>(cols, pos * patch, patch), k) + bv;
            }
        });
        return One(new Tensor<T>(outShape, y));
    }
}

/// <summary>MaxPool and AveragePool over 2-D NCHW input (ceil_mode 0).</summary>
public sealed partial class Pool(bool isMax, Window2D window, bool countIncludePad) : Operator
{
    public bool IsMax { get; } = isMax;
    public Window2D Window { get; } = window;
    public bool CountIncludePad { get; } = countIncludePad;
    public override string OpType => IsMax ? "MaxPool" : "AveragePool";

    public override Shape[] InferShapes(IReadOnlyList<Shape> inputs)
    {
        var s = Window2D.CheckNchw(inputs[0], OpType);
        var (oh, ow, _, _) = Window.Output(s[2], s[3]);
        return One(new Shape(s[0], s[1], oh, ow));
    }

    public override Tensor<T>[] Evaluate<T>(IReadOnlyList<Tensor<T>> inputs)
    {
        var x = inputs[0];
        var outShape = InferShapes([x.Shape])[0];
        int planes = x.Shape[0] * x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var (oh, ow, top, left) = Window.Output(h, w);
        var y = new T[outShape.ElementCount];
        var window = new List<int>(Window.KernelH * Window.KernelW);
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                {
                    T acc = IsMax ? T.NegativeInfinity : T.Zero;
                    int count = WindowElements(p, oy, ox, h, w, window);
                    foreach (int i in window)
                    {
                        T v = x.Data[i];
                        if (IsMax) { if (v > acc || T.IsNaN(v)) acc = v; }
                        else acc += v;
                    }
                    y[(p * oh + oy) * ow + ox] = IsMax ? acc : acc / T.CreateChecked(count);
                }
        return One(new Tensor<T>(outShape, y));
    }
}

/// <summary>BatchNormalization at inference: y = scale * (x - mean) / sqrt(var + epsilon) + bias, per channel (axis 1).</summary>
public sealed partial class BatchNormalization(ConstantTensor scale, ConstantTensor bias, ConstantTensor mean, ConstantTensor variance, float epsilon) : Operator
{
    public ConstantTensor Scale { get; } = scale;
    public ConstantTensor BiasValues { get; } = bias;
    public ConstantTensor Mean { get; } = mean;
    public ConstantTensor Variance { get; } = variance;
    public float Epsilon { get; } = epsilon;
    public int Channels => Scale.Shape.ElementCount;
    public override string OpType => "BatchNormalization";
    public override IReadOnlyList<int> ConstantInputs => [1, 2, 3, 4];

    public override Shape[] InferShapes(IReadOnlyList<Shape> inputs)
    {
        var s = inputs[0];
        if (s.Rank < 2 || s[1] != Channels) throw new ShapeException($"BatchNormalization input {s} does not have {Channels} channels");
        return One(s);
    }

    /// <summary>Per-channel (multiplier, offset) in precision T: y = x * multiplier + offset.</summary>
    public (T[] Multiplier, T[] Offset) Affine<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (g, b, m, v) = (Scale.As<T>().Data, BiasValues.As<T>().Data, Mean.As<T>().Data, Variance.As<T>().Data);
        var eps = T.CreateChecked(Epsilon);
        var mul = new T[Channels];
        var off = new T[Channels];
        for (int c = 0; c < Channels; c++)
        {
            mul[c] = g[c] / T.Sqrt(v[c] + eps);
            off[c] = b[c] - m[c] * mul[c];
        }
        return (mul, off);
    }

    public override Tensor<T>[] Evaluate<T>(IReadOnlyList<Tensor<T>> inputs)
    {
        var x = inputs[0];
        var (mul, off) = Affine<T>();
        int n = x.Shape[0], inner = x.Shape.Product(2, x.Shape.Rank);
        var y = new T[x.Data.Length];
        for (int b = 0; b < n; b++)
            for (int c = 0; c < Channels; c++)
            {
                int o = (b * Channels + c) * inner;
                for (int i = o; i < o + inner; i++) y[i] = x.Data[i] * mul[c] + off[c];
            }
        return One(new Tensor<T>(x.Shape, y));
    }
}
