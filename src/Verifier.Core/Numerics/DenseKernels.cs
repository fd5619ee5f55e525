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

    /// <summary>The (cols, rows) transpose of a row-major (rows, cols) matrix.</summary>
    public static T[] Transposed<T>(T[] m, int rows, int cols) where T : unmanaged
    {
        var t = new T[m.Length];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) t[j * rows + r] = m[r * cols + j];
        return t;
    }
}
