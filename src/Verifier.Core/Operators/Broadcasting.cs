using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

/// <summary>NumPy-style (multidirectional) broadcasting, as ONNX defines it for elementwise operators.</summary>
public static class Broadcasting
{
    public static Shape Result(Shape a, Shape b)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Rank) >= 0 ? a[i - (rank - a.Rank)] : 1;
            int db = i - (rank - b.Rank) >= 0 ? b[i - (rank - b.Rank)] : 1;
            if (da != db && da != 1 && db != 1) throw new ShapeException($"cannot broadcast {a} with {b}");
            dims[i] = da == 1 ? db : da;
        }
        return new Shape(dims);
    }

    /// <summary>
    /// For every element of <paramref name="result"/>, the index of the element of <paramref name="source"/>
    /// that broadcasts onto it.
    /// </summary>
    public static int[] SourceIndices(Shape source, Shape result)
    {
        int rank = result.Rank, offset = rank - source.Rank;
        var strides = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= offset; i--)
        {
            strides[i] = source[i - offset] == 1 ? 0 : stride;
            stride *= source[i - offset];
        }
        var map = new int[result.ElementCount];
        var idx = new int[rank];
        int src = 0;
        for (int k = 0; k < map.Length; k++)
        {
            map[k] = src;
            for (int d = rank - 1; d >= 0; d--)
            {
                idx[d]++;
                src += strides[d];
                if (idx[d] < result[d]) break;
                src -= strides[d] * idx[d];
                idx[d] = 0;
            }
        }
        return map;
    }
}
