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
    private const int ParallelElements = 1 << 16;

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
        if (inner == 1)
        {
            // Dense layers: add the whole bias vector to each row.
            ForRanges(outer, channels, (start, end) =>
            {
                for (int r = start; r < end; r++) TP.Add(yd.AsSpan(r * channels, channels), bd.AsSpan(0, channels), yd.AsSpan(r * channels, channels));
            });
            return;
        }
        ForRanges(outer * channels, inner, (start, end) =>
        {
            for (int row = start; row < end; row++)
            {
                var span = yd.AsSpan(row * inner, inner);
                TP.Add(span, bd[row % channels], span);
            }
        });
    }

    /// <summary>Sums in sample order, for every channel the same, so the result is deterministic.</summary>
    public void BiasGradient(ComputeBuffer<float> dy, ComputeBuffer<float> dBias, int outer, int channels, int inner)
    {
        var (g, db) = (Host(dy), Host(dBias));
        var sums = db.AsSpan(0, channels);
        if (inner == 1)
        {
            sums.Clear();
            for (int o = 0; o < outer; o++) TP.Add(sums, g.AsSpan(o * channels, channels), sums);
            return;
        }
        ForRanges(channels, outer * inner, (start, end) =>
        {
            for (int ch = start; ch < end; ch++)
            {
                float sum = 0f;
                for (int o = 0; o < outer; o++) sum += TP.Sum(g.AsSpan((o * channels + ch) * inner, inner));
                db[ch] = sum;
            }
        });
    }

    public void ReluForward(ComputeBuffer<float> x, ComputeBuffer<float> y, int length) =>
        TP.Max(Host(x).AsSpan(0, length), 0f, Host(y).AsSpan(0, length));

    public void ReluBackward(ComputeBuffer<float> y, ComputeBuffer<float> dy, ComputeBuffer<float> dx, int length)
    {
        var (yd, g, d) = (Host(y), Host(dy), Host(dx));
        int i = 0;
        for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
            Vector.ConditionalSelect(Vector.GreaterThan(new Vector<float>(yd, i), Vector<float>.Zero), new Vector<float>(g, i), Vector<float>.Zero).CopyTo(d, i);
        for (; i < length; i++) d[i] = yd[i] > 0f ? g[i] : 0f;
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

    public void SumDifference(ComputeBuffer<float> a, ComputeBuffer<float> b, ComputeBuffer<float> sum, ComputeBuffer<float> difference, float scale, int length)
    {
        var (ad, bd, sd, dd) = (Host(a), Host(b), Host(sum), Host(difference));
        ForRanges(length, 1, (start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                float x = ad[i], y = bd[i];
                sd[i] = scale * (x + y);
                dd[i] = scale * (y - x);
            }
        });
    }

    public void Abs(ComputeBuffer<float> x, ComputeBuffer<float> y, int length) => TP.Abs(Host(x).AsSpan(0, length), Host(y).AsSpan(0, length));

    public void AddSignTimes(ComputeBuffer<float> w, ComputeBuffer<float> g, ComputeBuffer<float> y, int length)
    {
        var (wd, gd, yd) = (Host(w), Host(g), Host(y));
        for (int i = 0; i < length; i++) yd[i] += wd[i] > 0 ? gd[i] : wd[i] < 0 ? -gd[i] : 0f;
    }

    public void SgdMomentumStep(ComputeBuffer<float> param, ComputeBuffer<float> grad, ComputeBuffer<float> velocity, int length, float lr, float momentum)
    {
        var (p, g, v) = (Host(param), Host(grad), Host(velocity));
        ForRanges(length, 1, (start, end) =>
        {
            var vs = v.AsSpan(start, end - start);
            TP.MultiplyAdd(vs, momentum, g.AsSpan(start, end - start), vs);
            var ps = p.AsSpan(start, end - start);
            TP.MultiplyAdd(vs, -lr, ps, ps);
        });
    }

    public void AdamStep(ComputeBuffer<float> param, ComputeBuffer<float> grad, ComputeBuffer<float> m, ComputeBuffer<float> v, int length,
        float lr, float beta1, float beta2, float epsilon, int step)
    {
        var (p, g, md, vd) = (Host(param), Host(grad), Host(m), Host(v));
        float c1 = 1f / (1f - MathF.Pow(beta1, step)), c2 = 1f / (1f - MathF.Pow(beta2, step));
        ForRanges(length, 1, (start, end) =>
        {
            int i = start;
            if (Vector.IsHardwareAccelerated)
            {
                var (b1, b2, k1, k2) = (new Vector<float>(beta1), new Vector<float>(beta2), new Vector<float>(1f - beta1), new Vector<float>(1f - beta2));
                var (vc1, vc2, vlr, veps) = (new Vector<float>(c1), new Vector<float>(c2), new Vector<float>(lr), new Vector<float>(epsilon));
                for (; i <= end - Vector<float>.Count; i += Vector<float>.Count)
                {
                    var gi = new Vector<float>(g, i);
                    var mi = b1 * new Vector<float>(md, i) + k1 * gi;
                    var vi = b2 * new Vector<float>(vd, i) + k2 * gi * gi;
                    mi.CopyTo(md, i);
                    vi.CopyTo(vd, i);
                    (new Vector<float>(p, i) - vlr * (mi * vc1) / (Vector.SquareRoot(vi * vc2) + veps)).CopyTo(p, i);
                }
            }
            for (; i < end; i++)
            {
                float gi = g[i];
                md[i] = beta1 * md[i] + (1f - beta1) * gi;
                vd[i] = beta2 * vd[i] + (1f - beta2) * gi * gi;
                p[i] -= lr * (md[i] * c1) / (MathF.Sqrt(vd[i] * c2) + epsilon);
            }
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

    /// <summary>Runs body(i) for every i in [0, count), split as <see cref="ForRanges"/> does.</summary>
    private static void ForEach(int count, int costPerItem, Action<int> body) =>
        ForRanges(count, costPerItem, (start, end) =>
        {
            for (int i = start; i < end; i++) body(i);
        });

    /// <summary>
    /// Runs body(start, end) over [0, count) in chunks, on several threads when count * cost is large enough.
    /// Every element is processed by exactly one call, so element-wise results do not depend on the split.
    /// </summary>
    private static void ForRanges(int count, int costPerItem, Action<int, int> body)
    {
        if ((long)count * costPerItem < ParallelElements || Environment.ProcessorCount == 1)
        {
            body(0, count);
            return;
        }
        int chunks = Environment.ProcessorCount * 4, size = (count + chunks - 1) / chunks;
        Parallel.For(0, chunks, chunk => body(Math.Min(count, chunk * size), Math.Min(count, (chunk + 1) * size)));
    }
}
