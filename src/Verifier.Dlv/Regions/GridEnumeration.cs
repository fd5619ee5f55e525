namespace Verifier.Dlv.Regions;

/// <summary>Counter vectors c of a region's grid, the first dimension changing fastest (binary/odometer order).</summary>
public static class GridEnumeration
{
    /// <summary>Number of grid points; saturates at long.MaxValue.</summary>
    public static long Count(IReadOnlyList<RegionDim> dims, Enumeration method)
    {
        long count = 1;
        foreach (var d in dims)
        {
            long factor = method switch { Enumeration.Corners => d.NumSpan == 0 ? 1 : 2, Enumeration.Lattice => 2L * d.NumSpan + 1, _ => 1 };
            count = count > long.MaxValue / Math.Max(1, factor) ? long.MaxValue : count * factor;
        }
        return count;
    }

    public static IEnumerable<int[]> Counters(IReadOnlyList<RegionDim> dims, Enumeration method)
    {
        int n = dims.Count;
        if (method == Enumeration.Point)
        {
            yield return dims.Select(d => d.NumSpan).ToArray();
            yield break;
        }
        var lowest = dims.Select(d => -d.NumSpan).ToArray();
        var step = dims.Select(d => method == Enumeration.Corners ? Math.Max(1, 2 * d.NumSpan) : 1).ToArray();
        var c = (int[])lowest.Clone();
        while (true)
        {
            yield return (int[])c.Clone();
            int p = 0;
            while (p < n)
            {
                c[p] += step[p];
                if (c[p] <= dims[p].NumSpan) break;
                c[p] = lowest[p];
                p++;
            }
            if (p == n) yield break;
        }
    }

    /// <summary>The layer values at grid point c: the original values with each region dim moved to Centre + c·Span.</summary>
    public static double[] Point(ReadOnlySpan<double> original, IReadOnlyList<RegionDim> dims, int[] counter)
    {
        var point = original.ToArray();
        for (int p = 0; p < dims.Count; p++) point[dims[p].Index] = dims[p].Centre + counter[p] * dims[p].Span;
        return point;
    }
}
