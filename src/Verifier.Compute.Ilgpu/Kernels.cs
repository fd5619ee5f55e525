using ILGPU;
using ILGPU.Algorithms;
using Verifier.Compute.Backends;

namespace Verifier.Compute.Ilgpu;

/// <summary>Convolution geometry passed to kernels by value.</summary>
internal readonly record struct ConvDims(int InChannels, int Height, int Width, int OutChannels, int KernelH, int KernelW,
    int Stride, int Pad, int OutH, int OutW)
{
    public static ConvDims From(ConvGeometry g) => new(g.InChannels, g.Height, g.Width, g.OutChannels, g.KernelH, g.KernelW, g.Stride, g.Pad, g.OutH, g.OutW);
    public int Patch => InChannels * KernelH * KernelW;
    public int Positions => OutH * OutW;
}

internal readonly record struct PoolDims(int Height, int Width, int Size, int Stride, int OutH, int OutW)
{
    public static PoolDims From(PoolGeometry g) => new(g.Height, g.Width, g.Size, g.Stride, g.OutH, g.OutW);
}

/// <summary>
/// One thread per output element, each reducing in a fixed order (no atomics), so results are deterministic.
/// The GEMM is the plain one-thread-per-element form; it is correct everywhere and a tiled shared-memory
/// version is the next step for CUDA speed.
/// </summary>
internal static class Kernels
{
    public static void Gemm(Index1D index, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int layout, int m, int n, int k, int accumulate)
    {
        int i = index / n, j = index % n;
        float sum = 0f;
        for (int p = 0; p < k; p++)
        {
            float av = layout == (int)GemmLayout.TN ? a[p * m + i] : a[i * k + p];
            float bv = layout == (int)GemmLayout.NT ? b[j * k + p] : b[p * n + j];
            sum += av * bv;
        }
        c[index] = accumulate != 0 ? c[index] + sum : sum;
    }

    public static void AddBias(Index1D index, ArrayView<float> y, ArrayView<float> bias, int channels, int inner) =>
        y[index] += bias[index / inner % channels];

    public static void BiasGradient(Index1D channel, ArrayView<float> dy, ArrayView<float> dBias, int outer, int channels, int inner)
    {
        float sum = 0f;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) sum += dy[(o * channels + channel) * inner + i];
        dBias[channel] = sum;
    }

    public static void ReluForward(Index1D i, ArrayView<float> x, ArrayView<float> y) => y[i] = x[i] > 0f ? x[i] : 0f;

    public static void ReluBackward(Index1D i, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx) => dx[i] = y[i] > 0f ? dy[i] : 0f;

    /// <summary>cols[b, q, pos], as on the CPU.</summary>
    public static void Im2Col(Index1D index, ArrayView<float> x, ArrayView<float> cols, ConvDims d)
    {
        int pos = index % d.Positions, q = index / d.Positions % d.Patch, b = index / (d.Positions * d.Patch);
        int kx = q % d.KernelW, ky = q / d.KernelW % d.KernelH, c = q / (d.KernelW * d.KernelH);
        int iy = pos / d.OutW * d.Stride - d.Pad + ky, ix = pos % d.OutW * d.Stride - d.Pad + kx;
        cols[index] = iy >= 0 && iy < d.Height && ix >= 0 && ix < d.Width ? x[((b * d.InChannels + c) * d.Height + iy) * d.Width + ix] : 0f;
    }

    public static void ConvOutput(Index1D index, ArrayView<float> kernel, ArrayView<float> cols, ArrayView<float> bias, ArrayView<float> y, ConvDims d)
    {
        int pos = index % d.Positions, o = index / d.Positions % d.OutChannels, b = index / (d.Positions * d.OutChannels);
        float sum = 0f;
        for (int q = 0; q < d.Patch; q++) sum += kernel[o * d.Patch + q] * cols[(b * d.Patch + q) * d.Positions + pos];
        y[index] = sum + bias[o];
    }

    public static void ConvKernelGradient(Index1D index, ArrayView<float> dy, ArrayView<float> cols, ArrayView<float> dKernel, ConvDims d, int batch)
    {
        int o = index / d.Patch, q = index % d.Patch;
        float sum = 0f;
        for (int b = 0; b < batch; b++)
        {
            float partial = 0f;
            for (int pos = 0; pos < d.Positions; pos++)
                partial += dy[(b * d.OutChannels + o) * d.Positions + pos] * cols[(b * d.Patch + q) * d.Positions + pos];
            sum += partial;
        }
        dKernel[index] = sum;
    }

    public static void ConvColumnGradient(Index1D index, ArrayView<float> kernel, ArrayView<float> dy, ArrayView<float> dCols, ConvDims d)
    {
        int pos = index % d.Positions, q = index / d.Positions % d.Patch, b = index / (d.Positions * d.Patch);
        float sum = 0f;
        for (int o = 0; o < d.OutChannels; o++) sum += kernel[o * d.Patch + q] * dy[(b * d.OutChannels + o) * d.Positions + pos];
        dCols[index] = sum;
    }

    /// <summary>Gathers, for one input element, every column entry im2col copied it to.</summary>
    public static void Col2Im(Index1D index, ArrayView<float> dCols, ArrayView<float> dx, ConvDims d)
    {
        int ix = index % d.Width, iy = index / d.Width % d.Height, c = index / (d.Width * d.Height) % d.InChannels;
        int b = index / (d.Width * d.Height * d.InChannels);
        float sum = 0f;
        for (int ky = 0; ky < d.KernelH; ky++)
        {
            int ty = iy + d.Pad - ky;
            if (ty < 0 || ty % d.Stride != 0 || ty / d.Stride >= d.OutH) continue;
            for (int kx = 0; kx < d.KernelW; kx++)
            {
                int tx = ix + d.Pad - kx;
                if (tx < 0 || tx % d.Stride != 0 || tx / d.Stride >= d.OutW) continue;
                int q = (c * d.KernelH + ky) * d.KernelW + kx;
                sum += dCols[(b * d.Patch + q) * d.Positions + ty / d.Stride * d.OutW + tx / d.Stride];
            }
        }
        dx[index] = sum;
    }

    public static void MaxPoolForward(Index1D index, ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax, PoolDims d)
    {
        int ox = index % d.OutW, oy = index / d.OutW % d.OutH, plane = index / (d.OutW * d.OutH);
        int planeBase = plane * d.Height * d.Width;
        int best = planeBase + oy * d.Stride * d.Width + ox * d.Stride;
        for (int ky = 0; ky < d.Size; ky++)
            for (int kx = 0; kx < d.Size; kx++)
            {
                int i = planeBase + (oy * d.Stride + ky) * d.Width + ox * d.Stride + kx;
                if (x[i] > x[best]) best = i;
            }
        y[index] = x[best];
        argmax[index] = best;
    }

    /// <summary>Sums, in output order, the gradients of the windows whose maximum was this input element.</summary>
    public static void MaxPoolBackward(Index1D index, ArrayView<float> dy, ArrayView<int> argmax, ArrayView<float> dx, PoolDims d)
    {
        int ix = index % d.Width, iy = index / d.Width % d.Height, plane = index / (d.Width * d.Height);
        int oyLow = XMath.Max(0, (iy - d.Size + d.Stride) / d.Stride), oxLow = XMath.Max(0, (ix - d.Size + d.Stride) / d.Stride);
        int oyHigh = XMath.Min(d.OutH - 1, iy / d.Stride), oxHigh = XMath.Min(d.OutW - 1, ix / d.Stride);
        float sum = 0f;
        for (int oy = oyLow; oy <= oyHigh; oy++)
            for (int ox = oxLow; ox <= oxHigh; ox++)
            {
                int o = (plane * d.OutH + oy) * d.OutW + ox;
                if (argmax[o] == index) sum += dy[o];
            }
        dx[index] = sum;
    }

    public static void SoftmaxCrossEntropy(Index1D row, ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> dLogits,
        ArrayView<float> losses, int classes, float scale)
    {
        int offset = row * classes;
        float max = logits[offset];
        for (int j = 1; j < classes; j++) max = XMath.Max(max, logits[offset + j]);
        float sum = 0f;
        for (int j = 0; j < classes; j++) sum += XMath.Exp(logits[offset + j] - max);
        int label = labels[row];
        for (int j = 0; j < classes; j++)
            dLogits[offset + j] = scale * (XMath.Exp(logits[offset + j] - max) / sum - (j == label ? 1f : 0f));
        losses[row] = XMath.Log(sum) - (logits[offset + label] - max);
    }

    public static void Axpy(Index1D i, ArrayView<float> x, ArrayView<float> y, float alpha) => y[i] += alpha * x[i];

    public static void SumDifference(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> sum, ArrayView<float> difference, float scale)
    {
        float x = a[i], y = b[i];
        sum[i] = scale * (x + y);
        difference[i] = scale * (y - x);
    }

    public static void Abs(Index1D i, ArrayView<float> x, ArrayView<float> y) => y[i] = x[i] < 0f ? -x[i] : x[i];

    public static void AddSignTimes(Index1D i, ArrayView<float> w, ArrayView<float> g, ArrayView<float> y) =>
        y[i] += w[i] > 0f ? g[i] : w[i] < 0f ? -g[i] : 0f;

    public static void SgdMomentum(Index1D i, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> velocity, float lr, float momentum)
    {
        velocity[i] = momentum * velocity[i] + grad[i];
        param[i] -= lr * velocity[i];
    }

    public static void Adam(Index1D i, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v,
        float lr, float beta1, float beta2, float epsilon, float c1, float c2)
    {
        float g = grad[i];
        m[i] = beta1 * m[i] + (1f - beta1) * g;
        v[i] = beta2 * v[i] + (1f - beta2) * g * g;
        param[i] -= lr * (m[i] * c1) / (XMath.Sqrt(v[i] * c2) + epsilon);
    }
}
