using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Verifier.Compute.Backends;

/// <summary>
/// Multi-threaded SIMD backend on host memory: the default when no GPU is present. Work is split so that each
/// output element is computed by one thread in a fixed order, which keeps results independent of scheduling.
/// </summary>
public sealed partial class CpuBackend : IComputeBackend
{
    /// <summary>Elements below which element-wise work stays on one thread.</summary>
    private const int ParallelElements = 1 << 15;

    public string Name => $"cpu ({Environment.ProcessorCount} threads, {Vector<float>.Count * 32}-bit SIMD)";

    public ComputeBuffer<T> Allocate<T>(int length) where T : unmanaged => new CpuBuffer<T>(length);

    public void Gemm(GemmLayout layout, int m, int n, int k, ComputeBuffer<float> a, ComputeBuffer<float> b, ComputeBuffer<float> c, bool accumulate)
    {
        CheckLength(a, (long)m * k, "A");
        CheckLength(b, (long)k * n, "B");
        CheckLength(c, (long)m * n, "C");
        CpuGemm.Multiply(layout, m, n, k, Host(a), 0, Host(b), 0, Host(c), 0, accumulate);
    }

    public void AddBias(ComputeBuffer<float> y, ComputeBuffer<float> bias, int outer, int channels, int inner)
    {
        var (yd, bd) = (Host(y), Host(bias));
        ForRanges(outer * channels, inner, row =>
        {
            var span = yd.AsSpan(row * inner, inner);
            TP.Add(span, bd[row % channels], span);
        });
    }

    public void BiasGradient(ComputeBuffer<float> dy, ComputeBuffer<float> dBias, int outer, int channels, int inner)
    {
        var (g, db) = (Host(dy), Host(dBias));
        ForRanges(channels, outer * inner, ch =>
        {
            float sum = 0f;
            for (int o = 0; o < outer; o++) sum += TP.Sum(g.AsSpan((o * channels + ch) * inner, inner));
            db[ch] = sum;
        });
    }

    public void ReluForward(ComputeBuffer<float> x, ComputeBuffer<float> y, int length) =>
        TP.Max(Host(x).AsSpan(0, length), 0f, Host(y).AsSpan(0, length));

    public void ReluBackward(ComputeBuffer<float> y, ComputeBuffer<float> dy, ComputeBuffer<float> dx, int length)
    {
        var (yd, g, d) = (Host(y), Host(dy), Host(dx));
        for (int i = 0; i < length; i++) d[i] = yd[i] > 0f ? g[i] : 0f;
    }

    public float SoftmaxCrossEntropy(ComputeBuffer<float> logits, ComputeBuffer<int> labels, int rows, int classes, ComputeBuffer<float> dLogits)
    {
        var (z, t, d) = (Host(logits), Host(labels), Host(dLogits));
        var losses = new double[rows];
        float scale = 1f / rows;
        for (int r = 0; r < rows; r++)
        {
            var row = z.AsSpan(r * classes, classes);
            var grad = d.AsSpan(r * classes, classes);
            int label = t[r];
            if ((uint)label >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(labels), $"label {label} outside 0..{classes - 1}");
            float max = TP.Max(row);
            TP.Subtract(row, max, grad);
            TP.Exp(grad, grad);
            float sum = TP.Sum(grad);
            losses[r] = Math.Log(sum) - (row[label] - max);
            TP.Multiply(grad, scale / sum, grad);
            grad[label] -= scale;
        }
        double total = 0;
        foreach (var loss in losses) total += loss;
        return (float)(total / rows);
    }

    public void Axpy(float alpha, ComputeBuffer<float> x, ComputeBuffer<float> y, int length)
    {
        var yd = Host(y).AsSpan(0, length);
        TP.MultiplyAdd(Host(x).AsSpan(0, length), alpha, yd, yd);
    }

    public void SgdMomentumStep(ComputeBuffer<float> param, ComputeBuffer<float> grad, ComputeBuffer<float> velocity, int length, float lr, float momentum)
    {
        var (p, g, v) = (Host(param), Host(grad), Host(velocity));
        ForRanges(length, 1, i =>
        {
            v[i] = momentum * v[i] + g[i];
            p[i] -= lr * v[i];
        });
    }

    public void AdamStep(ComputeBuffer<float> param, ComputeBuffer<float> grad, ComputeBuffer<float> m, ComputeBuffer<float> v, int length,
        float lr, float beta1, float beta2, float epsilon, int step)
    {
        var (p, g, md, vd) = (Host(param), Host(grad), Host(m), Host(v));
        float c1 = 1f / (1f - MathF.Pow(beta1, step)), c2 = 1f / (1f - MathF.Pow(beta2, step));
        ForRanges(length, 1, i =>
        {
            float gi = g[i];
            md[i] = beta1 * md[i] + (1f - beta1) * gi;
            vd[i] = beta2 * vd[i] + (1f - beta2) * gi * gi;
            p[i] -= lr * (md[i] * c1) / (MathF.Sqrt(vd[i] * c2) + epsilon);
        });
    }

    public void Synchronize() { }

    public void Dispose() { }

    internal static T[] Host<T>(ComputeBuffer<T> buffer) where T : unmanaged =>
        buffer is CpuBuffer<T> cpu ? cpu.Data : throw new ArgumentException("buffer belongs to another backend", nameof(buffer));

    private static void CheckLength<T>(ComputeBuffer<T> buffer, long needed, string what) where T : unmanaged
    {
        if (buffer.Length < needed) throw new ArgumentException($"{what} holds {buffer.Length} elements, {needed} needed");
    }

    /// <summary>Runs body(i) for i in [0, count), on several threads when count * cost is large enough.</summary>
    private static void ForRanges(int count, int costPerItem, Action<int> body)
    {
        if ((long)count * costPerItem < ParallelElements || Environment.ProcessorCount == 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        int chunks = Environment.ProcessorCount * 4, size = (count + chunks - 1) / chunks;
        Parallel.For(0, chunks, chunk =>
        {
            int end = Math.Min(count, (chunk + 1) * size);
            for (int i = chunk * size; i < end; i++) body(i);
        });
    }
}
