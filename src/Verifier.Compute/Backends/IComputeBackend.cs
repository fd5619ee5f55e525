namespace Verifier.Compute.Backends;

/// <summary>Which operands of a GEMM are stored transposed. All matrices are row-major.</summary>
public enum GemmLayout
{
    /// <summary>C(m,n) = A(m,k) B(k,n).</summary>
    NN,

    /// <summary>C(m,n) = A(m,k) B(n,k)^T: a dense forward pass with (out,in) weights.</summary>
    NT,

    /// <summary>C(m,n) = A(k,m)^T B(k,n): a weight gradient dY^T X.</summary>
    TN,
}

/// <summary>
/// The numeric kernels that training needs, over buffers the backend owns. Every operation is deterministic:
/// each output element is reduced in a fixed order whatever the thread count, so a seeded run repeats exactly.
/// Image tensors are NCHW, one sample after another.
/// </summary>
public interface IComputeBackend : IDisposable
{
    /// <summary>Short description for logs ("cpu (2 threads, 256-bit SIMD)", "cuda: NVIDIA ...").</summary>
    string Name { get; }

    /// <summary>A buffer of <paramref name="length"/> elements, all zero.</summary>
    ComputeBuffer<T> Allocate<T>(int length) where T : unmanaged;

    /// <summary>C = op(A) op(B), or C += op(A) op(B) when <paramref name="accumulate"/>.</summary>
    void Gemm(GemmLayout layout, int m, int n, int k, ComputeBuffer<float> a, ComputeBuffer<float> b, ComputeBuffer<float> c, bool accumulate);

    /// <summary>y[o, ch, i] += bias[ch] for y viewed as (outer, channels, inner).</summary>
    void AddBias(ComputeBuffer<float> y, ComputeBuffer<float> bias, int outer, int channels, int inner);

    /// <summary>dBias[ch] = sum over o, i of dy[o, ch, i].</summary>
    void BiasGradient(ComputeBuffer<float> dy, ComputeBuffer<float> dBias, int outer, int channels, int inner);

    void ReluForward(ComputeBuffer<float> x, ComputeBuffer<float> y, int length);

    /// <summary>dx = dy where the ReLU output y is positive, else 0.</summary>
    void ReluBackward(ComputeBuffer<float> y, ComputeBuffer<float> dy, ComputeBuffer<float> dx, int length);

    /// <summary>y = conv(x, kernel) + bias via im2col and GEMM; kernel is (out, in, kh, kw).</summary>
    void ConvForward(ConvGeometry g, int batch, ComputeBuffer<float> x, ComputeBuffer<float> kernel, ComputeBuffer<float> bias, ComputeBuffer<float> y);

    /// <summary>Kernel and bias gradients (overwritten) and dx, each when it is not null.</summary>
    void ConvBackward(ConvGeometry g, int batch, ComputeBuffer<float> x, ComputeBuffer<float> kernel, ComputeBuffer<float> dy,
        ComputeBuffer<float>? dKernel, ComputeBuffer<float>? dBias, ComputeBuffer<float>? dx);

    /// <summary>Max pooling; <paramref name="argmax"/> records each output's source index for the backward pass.</summary>
    void MaxPoolForward(PoolGeometry g, int batch, ComputeBuffer<float> x, ComputeBuffer<float> y, ComputeBuffer<int> argmax);

    void MaxPoolBackward(PoolGeometry g, int batch, ComputeBuffer<float> dy, ComputeBuffer<int> argmax, ComputeBuffer<float> dx);

    /// <summary>
    /// Mean softmax cross-entropy of logits (rows, classes) against labels; writes dLogits = (softmax - onehot) / rows.
    /// </summary>
    float SoftmaxCrossEntropy(ComputeBuffer<float> logits, ComputeBuffer<int> labels, int rows, int classes, ComputeBuffer<float> dLogits);

    /// <summary>y += alpha x.</summary>
    void Axpy(float alpha, ComputeBuffer<float> x, ComputeBuffer<float> y, int length);

    /// <summary>
    /// sum = scale (a + b), difference = scale (b - a): interval propagation's change between lower/upper and
    /// centre/radius, both ways, and of their gradients.
    /// </summary>
    void SumDifference(ComputeBuffer<float> a, ComputeBuffer<float> b, ComputeBuffer<float> sum, ComputeBuffer<float> difference, float scale, int length);

    /// <summary>y = |x|.</summary>
    void Abs(ComputeBuffer<float> x, ComputeBuffer<float> y, int length);

    /// <summary>y += sign(w) g: the gradient through |w| of a loss whose gradient with respect to |w| is g.</summary>
    void AddSignTimes(ComputeBuffer<float> w, ComputeBuffer<float> g, ComputeBuffer<float> y, int length);

    /// <summary>velocity = momentum velocity + grad; param -= lr velocity.</summary>
    void SgdMomentumStep(ComputeBuffer<float> param, ComputeBuffer<float> grad, ComputeBuffer<float> velocity, int length, float lr, float momentum);

    /// <summary>Adam update at 1-based <paramref name="step"/> with bias-corrected moments.</summary>
    void AdamStep(ComputeBuffer<float> param, ComputeBuffer<float> grad, ComputeBuffer<float> m, ComputeBuffer<float> v, int length,
        float lr, float beta1, float beta2, float epsilon, int step);

    /// <summary>Waits for queued work (a no-op on the CPU).</summary>
    void Synchronize();
}

/// <summary>A 2-D convolution over NCHW samples: square stride, symmetric zero padding, no dilation.</summary>
public sealed record ConvGeometry(int InChannels, int Height, int Width, int OutChannels, int KernelH, int KernelW, int Stride = 1, int Pad = 0)
{
    public int OutH => (Height + 2 * Pad - KernelH) / Stride + 1;
    public int OutW => (Width + 2 * Pad - KernelW) / Stride + 1;
    public int Patch => InChannels * KernelH * KernelW;
    public int Positions => OutH * OutW;
    public int InputSize => InChannels * Height * Width;
    public int OutputSize => OutChannels * Positions;
    public int KernelSize => OutChannels * Patch;
}

/// <summary>Max pooling over NCHW samples with a square window and no padding.</summary>
public sealed record PoolGeometry(int Channels, int Height, int Width, int Size, int Stride)
{
    public int OutH => (Height - Size) / Stride + 1;
    public int OutW => (Width - Size) / Stride + 1;
    public int InputSize => Channels * Height * Width;
    public int OutputSize => Channels * OutH * OutW;
}
