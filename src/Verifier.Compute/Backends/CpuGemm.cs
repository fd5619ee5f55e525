using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Verifier.Compute.Backends;

/// <summary>
/// Cache-blocked single-precision GEMM. For each block of KC steps of the inner dimension, A is packed into
/// micro-panels of MR rows and B into micro-panels of NR = 2 SIMD vectors, so the micro-kernel streams both
/// contiguously and keeps an MR x NR tile of C in registers (fused multiply-add over Vector&lt;float&gt;).
/// Each C element is summed in the same order however the tiles are spread over threads: results are deterministic.
/// </summary>
public static class CpuGemm
{
    private const int MR = 4;
    private const int KC = 256;
    private const int MC = 64;
    private static readonly int V = Vector<float>.Count;
    private static readonly int NR = 2 * Vector<float>.Count;
    private static readonly int NC = 16 * NR;

    /// <summary>Multiply-add operations below which one thread is faster than several.</summary>
    private const long ParallelThreshold = 1 << 18;

    /// <summary>Elements below which packing a block stays on one thread.</summary>
    private const int PackParallelThreshold = 1 << 16;

    public static void Multiply(GemmLayout layout, int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset,
        float[] c, int cOffset, bool accumulate, bool parallel = true)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) Array.Clear(c, cOffset, m * n);
            return;
        }
        parallel &= (long)m * n * k >= ParallelThreshold && Environment.ProcessorCount > 1;
        int mPanels = (m + MR - 1) / MR, nPanels = (n + NR - 1) / NR;
        int kc = Math.Min(KC, k);
        var packedA = ArrayPool<float>.Shared.Rent(mPanels * MR * kc);
        var packedB = ArrayPool<float>.Shared.Rent(nPanels * NR * kc);
        try
        {
            for (int p0 = 0; p0 < k; p0 += KC)
            {
                int depth = Math.Min(KC, k - p0);
                bool add = accumulate || p0 > 0;
                PackA(layout, m, k, a, aOffset, p0, depth, packedA, mPanels, parallel && m * depth >= PackParallelThreshold);
                PackB(layout, n, k, b, bOffset, p0, depth, packedB, nPanels, parallel && n * depth >= PackParallelThreshold);
                int mBlocks = (m + MC - 1) / MC, nBlocks = (n + NC - 1) / NC;
                void Block(int index)
                {
                    int i0 = index / nBlocks * MC, j0 = index % nBlocks * NC;
                    int iEnd = Math.Min(m, i0 + MC), jEnd = Math.Min(n, j0 + NC);
                    for (int j = j0; j < jEnd; j += NR)
                        for (int i = i0; i < iEnd; i += MR)
                            MicroKernel(packedA, i / MR * MR * depth, packedB, j / NR * NR * depth, depth,
                                c, cOffset + i * n + j, n, Math.Min(MR, m - i), Math.Min(NR, n - j), add);
                }
                if (parallel) Parallel.For(0, mBlocks * nBlocks, Block);
                else for (int index = 0; index < mBlocks * nBlocks; index++) Block(index);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packedA);
            ArrayPool<float>.Shared.Return(packedB);
        }
    }

    /// <summary>Rows of op(A) in groups of MR: packed[(panel * depth + p) * MR + r] = op(A)[panel*MR + r, p0 + p].</summary>
    private static void PackA(GemmLayout layout, int m, int k, float[] a, int offset, int p0, int depth, float[] packed, int panels, bool parallel)
    {
        bool transposed = layout == GemmLayout.TN;
        void Panel(int panel)
        {
            int baseIndex = panel * depth * MR, i0 = panel * MR, rows = Math.Min(MR, m - i0);
            if (transposed)
            {
                // op(A) rows are columns of A: each step p copies MR neighbours of one row of A.
                for (int p = 0; p < depth; p++)
                {
                    var target = packed.AsSpan(baseIndex + p * MR, MR);
                    a.AsSpan(offset + (p0 + p) * m + i0, rows).CopyTo(target);
                    target[rows..].Clear();
                }
                return;
            }
            int start = 0;
            if (rows == MR)
            {
                // Full panels: 4x4 blocks transposed in registers instead of element by element.
                int row = offset + i0 * k + p0;
                for (; start + 4 <= depth; start += 4)
                    Transpose4x4(a, row + start, k, packed, baseIndex + start * MR, MR);
            }
            for (int r = 0; r < MR; r++)
            {
                if (r >= rows)
                {
                    for (int p = start; p < depth; p++) packed[baseIndex + p * MR + r] = 0f;
                    continue;
                }
                int row = offset + (i0 + r) * k + p0;
                for (int p = start; p < depth; p++) packed[baseIndex + p * MR + r] = a[row + p];
            }
        }
        if (parallel) Parallel.For(0, panels, Panel);
        else for (int panel = 0; panel < panels; panel++) Panel(panel);
    }

    /// <summary>Columns of op(B) in groups of NR: packed[(panel * depth + p) * NR + j] = op(B)[p0 + p, panel*NR + j].</summary>
    private static void PackB(GemmLayout layout, int n, int k, float[] b, int offset, int p0, int depth, float[] packed, int panels, bool parallel)
    {
        bool transposed = layout == GemmLayout.NT;
        void Panel(int panel)
        {
            int baseIndex = panel * depth * NR, j0 = panel * NR, width = Math.Min(NR, n - j0);
            if (transposed)
            {
                // op(B) columns are rows of B: write each packed step contiguously, reading the NR rows side by side.
                int row = offset + j0 * k + p0, start = 0;
                if (width == NR)
                    for (; start + 4 <= depth; start += 4)
                        for (int j = 0; j < NR; j += 4)
                            Transpose4x4(b, row + j * k + start, k, packed, baseIndex + start * NR + j, NR);
                for (int p = start; p < depth; p++)
                {
                    int target = baseIndex + p * NR;
                    for (int j = 0; j < width; j++) packed[target + j] = b[row + j * k + p];
                    for (int j = width; j < NR; j++) packed[target + j] = 0f;
                }
                return;
            }
            for (int p = 0; p < depth; p++)
            {
                var target = packed.AsSpan(baseIndex + p * NR, NR);
                b.AsSpan(offset + (p0 + p) * n + j0, width).CopyTo(target);
                target[width..].Clear();
            }
        }
        if (parallel) Parallel.For(0, panels, Panel);
        else for (int panel = 0; panel < panels; panel++) Panel(panel);
    }

    /// <summary>
    /// target[t + c * targetStride + r] = source[s + r * sourceStride + c] for r, c in 0..3: a 4x4 block transposed
    /// with SSE shuffles (element by element where SSE is missing).
    /// </summary>
    private static void Transpose4x4(float[] source, int s, int sourceStride, float[] target, int t, int targetStride)
    {
        if (!Sse.IsSupported || s + 3 * sourceStride + 4 > source.Length || t + 3 * targetStride + 4 > target.Length)
        {
            for (int r = 0; r < 4; r++)
                for (int c = 0; c < 4; c++) target[t + c * targetStride + r] = source[s + r * sourceStride + c];
            return;
        }
        ref float from = ref source[s];
        var r0 = Vector128.LoadUnsafe(ref from);
        var r1 = Vector128.LoadUnsafe(ref from, (nuint)sourceStride);
        var r2 = Vector128.LoadUnsafe(ref from, (nuint)(2 * sourceStride));
        var r3 = Vector128.LoadUnsafe(ref from, (nuint)(3 * sourceStride));
        var t0 = Sse.UnpackLow(r0, r1);
        var t1 = Sse.UnpackLow(r2, r3);
        var t2 = Sse.UnpackHigh(r0, r1);
        var t3 = Sse.UnpackHigh(r2, r3);
        ref float to = ref target[t];
        Sse.MoveLowToHigh(t0, t1).StoreUnsafe(ref to);
        Sse.MoveHighToLow(t1, t0).StoreUnsafe(ref to, (nuint)targetStride);
        Sse.MoveLowToHigh(t2, t3).StoreUnsafe(ref to, (nuint)(2 * targetStride));
        Sse.MoveHighToLow(t3, t2).StoreUnsafe(ref to, (nuint)(3 * targetStride));
    }

    /// <summary>One MR x NR tile of C from packed panels; only the <paramref name="rows"/> x <paramref name="cols"/> valid part is written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel(float[] pa, int aIndex, float[] pb, int bIndex, int depth, float[] c, int cIndex, int ldc, int rows, int cols, bool add)
    {
        Vector<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        ref float a = ref pa[aIndex];
        ref float b = ref pb[bIndex];
        int v = V, nr = NR;
        for (int p = 0; p < depth; p++)
        {
            var b0 = Vector.LoadUnsafe(ref b, (nuint)(p * nr));
            var b1 = Vector.LoadUnsafe(ref b, (nuint)(p * nr + v));
            ref float ap = ref Unsafe.Add(ref a, p * MR);
            var a0 = new Vector<float>(ap);
            c00 = Vector.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector.FusedMultiplyAdd(a0, b1, c01);
            var a1 = new Vector<float>(Unsafe.Add(ref ap, 1));
            c10 = Vector.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector.FusedMultiplyAdd(a1, b1, c11);
            var a2 = new Vector<float>(Unsafe.Add(ref ap, 2));
            c20 = Vector.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector.FusedMultiplyAdd(a2, b1, c21);
            var a3 = new Vector<float>(Unsafe.Add(ref ap, 3));
            c30 = Vector.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector.FusedMultiplyAdd(a3, b1, c31);
        }
        if (rows == MR && cols == nr)
        {
            Store(c, cIndex, c00, c01, add);
            Store(c, cIndex + ldc, c10, c11, add);
            Store(c, cIndex + 2 * ldc, c20, c21, add);
            Store(c, cIndex + 3 * ldc, c30, c31, add);
            return;
        }
        Span<float> tile = stackalloc float[MR * 2 * Vector<float>.Count];
        c00.CopyTo(tile); c01.CopyTo(tile[v..]);
        c10.CopyTo(tile[nr..]); c11.CopyTo(tile[(nr + v)..]);
        c20.CopyTo(tile[(2 * nr)..]); c21.CopyTo(tile[(2 * nr + v)..]);
        c30.CopyTo(tile[(3 * nr)..]); c31.CopyTo(tile[(3 * nr + v)..]);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++)
            {
                ref float target = ref c[cIndex + r * ldc + j];
                target = add ? target + tile[r * nr + j] : tile[r * nr + j];
            }
    }

    private static void Store(float[] c, int index, Vector<float> low, Vector<float> high, bool add)
    {
        ref float target = ref c[index];
        if (add)
        {
            low += Vector.LoadUnsafe(ref target);
            high += Vector.LoadUnsafe(ref target, (nuint)V);
        }
        low.StoreUnsafe(ref target);
        high.StoreUnsafe(ref target, (nuint)V);
    }
}
