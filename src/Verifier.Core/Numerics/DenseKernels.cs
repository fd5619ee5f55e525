using System.Numerics;
using System.Runtime.CompilerServices;

namespace Verifier.Core.Numerics;

/// <summary>
/// The one dense product every affine layer and its gradient reduce to: C = A B^T with A (rows, depth) and
/// B (cols, depth), both row-major, so every output is a dot product over contiguous memory.
/// </summary>
public static class DenseKernels
{
    /// <summary>Work (multiply-adds) above which the rows are split across cores.</summary>
    private const long ParallelThreshold = 1 << 18;

    /// <summary>c[r * cols + j] = sum_k a[r * depth + k] * b[j * depth + k].</summary>
    public static void MultiplyTransposed<T>(T[] a, T[] b, T[] c, int rows, int cols, int depth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Length < (long)rows * depth || b.Length < (long)cols * depth || c.Length < (long)rows * cols)
            throw new ArgumentException("matrix sizes do not match the buffers");
        if (depth == 0)
        {
            Array.Clear(c, 0, rows * cols);
            return;
        }
        int blocks = (rows + 3) / 4;
        void Block(int block)
        {
            int r0 = block * 4, count = Math.Min(4, rows - r0);
            if (count == 4) FourRows(a, b, c, r0, cols, depth);
            else
                for (int r = r0; r < r0 + count; r++)
                    for (int j = 0; j < cols; j++)
                        c[r * cols + j] = Dot(a, r * depth, b, j * depth, depth);
        }
        if ((long)rows * cols * depth > ParallelThreshold && blocks > 1) Parallel.For(0, blocks, Block);
        else for (int i = 0; i < blocks; i++) Block(i);
    }

    /// <summary>
    /// Four rows of A against two rows of B at a time: each vector loaded from memory feeds several
    /// multiply-adds, which keeps the loop compute-bound instead of load-bound.
    /// </summary>
    private static void FourRows<T>(T[] a, T[] b, T[] c, int r0, int cols, int depth) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector<T>.Count, vectorEnd = depth - depth % width;
        ref T a0 = ref a[r0 * depth];
        ref T a1 = ref Unsafe.Add(ref a0, depth);
        ref T a2 = ref Unsafe.Add(ref a1, depth);
        ref T a3 = ref Unsafe.Add(ref a2, depth);
        int j = 0;
        for (; j + 1 < cols; j += 2)
        {
            ref T b0 = ref b[j * depth];
            ref T b1 = ref Unsafe.Add(ref b0, depth);
            Vector<T> s00 = default, s01 = default, s10 = default, s11 = default, s20 = default, s21 = default, s30 = default, s31 = default;
            for (int k = 0; k < vectorEnd; k += width)
            {
                var v0 = Vector.LoadUnsafe(ref b0, (nuint)k);
                var v1 = Vector.LoadUnsafe(ref b1, (nuint)k);
                var x = Vector.LoadUnsafe(ref a0, (nuint)k);
                s00 += x * v0; s01 += x * v1;
                x = Vector.LoadUnsafe(ref a1, (nuint)k);
                s10 += x * v0; s11 += x * v1;
                x = Vector.LoadUnsafe(ref a2, (nuint)k);
                s20 += x * v0; s21 += x * v1;
                x = Vector.LoadUnsafe(ref a3, (nuint)k);
                s30 += x * v0; s31 += x * v1;
            }
            T t00 = Vector.Sum(s00), t01 = Vector.Sum(s01), t10 = Vector.Sum(s10), t11 = Vector.Sum(s11);
            T t20 = Vector.Sum(s20), t21 = Vector.Sum(s21), t30 = Vector.Sum(s30), t31 = Vector.Sum(s31);
            for (int k = vectorEnd; k < depth; k++)
            {
                T v0 = Unsafe.Add(ref b0, k), v1 = Unsafe.Add(ref b1, k);
                t00 += Unsafe.Add(ref a0, k) * v0; t01 += Unsafe.Add(ref a0, k) * v1;
                t10 += Unsafe.Add(ref a1, k) * v0; t11 += Unsafe.Add(ref a1, k) * v1;
                t20 += Unsafe.Add(ref a2, k) * v0; t21 += Unsafe.Add(ref a2, k) * v1;
                t30 += Unsafe.Add(ref a3, k) * v0; t31 += Unsafe.Add(ref a3, k) * v1;
            }
            int o = r0 * cols + j;
            c[o] = t00; c[o + 1] = t01;
            c[o + cols] = t10; c[o + cols + 1] = t11;
            c[o + 2 * cols] = t20; c[o + 2 * cols + 1] = t21;
            c[o + 3 * cols] = t30; c[o + 3 * cols + 1] = t31;
        }
        if (j < cols)
            for (int r = 0; r < 4; r++) c[(r0 + r) * cols + j] = Dot(a, (r0 + r) * depth, b, j * depth, depth);
    }

    /// <summary>
    /// One dot product summed in exactly the order <see cref="FourRows"/> uses, so a row's result does not
    /// depend on its position in the batch (a witness found in a batch evaluates the same alone).
    /// </summary>
    private static T Dot<T>(T[] a, int aOffset, T[] b, int bOffset, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector<T>.Count, vectorEnd = length - length % width;
        ref T x = ref a[aOffset];
        ref T y = ref b[bOffset];
        Vector<T> s = default;
        for (int k = 0; k < vectorEnd; k += width) s += Vector.LoadUnsafe(ref x, (nuint)k) * Vector.LoadUnsafe(ref y, (nuint)k);
        T t = Vector.Sum(s);
        for (int k = vectorEnd; k < length; k++) t += Unsafe.Add(ref x, k) * Unsafe.Add(ref y, k);
        return t;
    }

    /// <summary>
    /// y[o] = sum_k w[o * depth + k] x[k] for every output o whose <paramref name="skip"/> entry is not true (those
    /// are left as they are), four rows at a time so that each vector of x loaded feeds four multiply-adds: one
    /// vector's dot product per call was bound by loads and call overhead on 256-wide layers.
    /// </summary>
    public static void MatVec(double[] w, int rows, int depth, ReadOnlySpan<double> x, Span<double> y, bool[]? skip = null)
    {
        if (w.Length < (long)rows * depth || x.Length < depth || y.Length < rows || (skip is not null && skip.Length < rows))
            throw new ArgumentException("matrix sizes do not match the buffers");
        if (depth == 0)
        {
            for (int o = 0; o < rows; o++)
                if (skip is null || !skip[o]) y[o] = 0;
            return;
        }
        Span<int> chosen = rows <= 1024 ? stackalloc int[rows] : new int[rows];
        int count = 0;
        for (int o = 0; o < rows; o++)
            if (skip is null || !skip[o]) chosen[count++] = o;
        int width = Vector<double>.Count, vectorEnd = depth - depth % width;
        ref double xs = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        int q = 0;
        for (; q + 3 < count; q += 4)
        {
            ref double w0 = ref w[chosen[q] * depth];
            ref double w1 = ref w[chosen[q + 1] * depth];
            ref double w2 = ref w[chosen[q + 2] * depth];
            ref double w3 = ref w[chosen[q + 3] * depth];
            Vector<double> s0 = default, s1 = default, s2 = default, s3 = default;
            for (int k = 0; k < vectorEnd; k += width)
            {
                var v = Vector.LoadUnsafe(ref xs, (nuint)k);
                s0 += v * Vector.LoadUnsafe(ref w0, (nuint)k);
                s1 += v * Vector.LoadUnsafe(ref w1, (nuint)k);
                s2 += v * Vector.LoadUnsafe(ref w2, (nuint)k);
                s3 += v * Vector.LoadUnsafe(ref w3, (nuint)k);
            }
            double t0 = Vector.Sum(s0), t1 = Vector.Sum(s1), t2 = Vector.Sum(s2), t3 = Vector.Sum(s3);
            for (int k = vectorEnd; k < depth; k++)
            {
                double v = Unsafe.Add(ref xs, k);
                t0 += v * Unsafe.Add(ref w0, k);
                t1 += v * Unsafe.Add(ref w1, k);
                t2 += v * Unsafe.Add(ref w2, k);
                t3 += v * Unsafe.Add(ref w3, k);
            }
            (y[chosen[q]], y[chosen[q + 1]], y[chosen[q + 2]], y[chosen[q + 3]]) = (t0, t1, t2, t3);
        }
        for (; q < count; q++)
        {
            ref double w0 = ref w[chosen[q] * depth];
            Vector<double> s0 = default;
            for (int k = 0; k < vectorEnd; k += width) s0 += Vector.LoadUnsafe(ref xs, (nuint)k) * Vector.LoadUnsafe(ref w0, (nuint)k);
            double t0 = Vector.Sum(s0);
            for (int k = vectorEnd; k < depth; k++) t0 += Unsafe.Add(ref xs, k) * Unsafe.Add(ref w0, k);
            y[chosen[q]] = t0;
        }
    }

    /// <summary>
    /// target[k] += sum_o c[o] w[o * depth + k] over the nonzero c[o], four rows at a time so that target is
    /// loaded and stored once per four rows instead of once per row.
    /// </summary>
    public static void AccumulateRows(double[] w, int rows, int depth, ReadOnlySpan<double> c, Span<double> target)
    {
        if (w.Length < (long)rows * depth || c.Length < rows || target.Length < depth)
            throw new ArgumentException("matrix sizes do not match the buffers");
        Span<int> nonzero = rows <= 1024 ? stackalloc int[rows] : new int[rows];
        int count = 0;
        for (int o = 0; o < rows; o++)
            if (c[o] != 0) nonzero[count++] = o;
        int width = Vector<double>.Count, vectorEnd = depth - depth % width;
        ref double t = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(target);
        int q = 0;
        for (; q + 3 < count; q += 4)
        {
            int o0 = nonzero[q], o1 = nonzero[q + 1], o2 = nonzero[q + 2], o3 = nonzero[q + 3];
            ref double w0 = ref w[o0 * depth];
            ref double w1 = ref w[o1 * depth];
            ref double w2 = ref w[o2 * depth];
            ref double w3 = ref w[o3 * depth];
            double c0 = c[o0], c1 = c[o1], c2 = c[o2], c3 = c[o3];
            var (v0, v1, v2, v3) = (new Vector<double>(c0), new Vector<double>(c1), new Vector<double>(c2), new Vector<double>(c3));
            for (int k = 0; k < vectorEnd; k += width)
            {
                var sum = Vector.LoadUnsafe(ref t, (nuint)k) + v0 * Vector.LoadUnsafe(ref w0, (nuint)k) + v1 * Vector.LoadUnsafe(ref w1, (nuint)k)
                    + v2 * Vector.LoadUnsafe(ref w2, (nuint)k) + v3 * Vector.LoadUnsafe(ref w3, (nuint)k);
                sum.StoreUnsafe(ref t, (nuint)k);
            }
            for (int k = vectorEnd; k < depth; k++)
                Unsafe.Add(ref t, k) += c0 * Unsafe.Add(ref w0, k) + c1 * Unsafe.Add(ref w1, k) + c2 * Unsafe.Add(ref w2, k) + c3 * Unsafe.Add(ref w3, k);
        }
        for (; q < count; q++)
        {
            int o0 = nonzero[q];
            ref double w0 = ref w[o0 * depth];
            double c0 = c[o0];
            var v0 = new Vector<double>(c0);
            for (int k = 0; k < vectorEnd; k += width)
                (Vector.LoadUnsafe(ref t, (nuint)k) + v0 * Vector.LoadUnsafe(ref w0, (nuint)k)).StoreUnsafe(ref t, (nuint)k);
            for (int k = vectorEnd; k < depth; k++) Unsafe.Add(ref t, k) += c0 * Unsafe.Add(ref w0, k);
        }
    }

    /// <summary>The (cols, rows) transpose of a row-major (rows, cols) matrix.</summary>
    public static T[] Transposed<T>(T[] m, int rows, int cols) where T : unmanaged
    {
        var t = new T[m.Length];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) t[j * rows + r] = m[r * cols + j];
        return t;
    }
}
