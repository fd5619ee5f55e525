namespace Verifier.Core.Bounds;

/// <summary>Euclidean projection onto the probability simplex {w &gt;= 0, sum w = 1} (Held, Wolfe and Crowder 1974).</summary>
internal static class Simplex
{
    /// <summary>
    /// In place: w_i = max(w_i - theta, 0), theta chosen so that the result sums to 1 (up to rounding); the
    /// uniform point where w holds a NaN or an infinity.
    /// </summary>
    public static void Project(Span<double> w)
    {
        if (w.Length == 0) return;
        foreach (double x in w)
            if (!double.IsFinite(x))
            {
                w.Fill(1.0 / w.Length);
                return;
            }
        Span<double> sorted = w.Length <= 64 ? stackalloc double[w.Length] : new double[w.Length];
        w.CopyTo(sorted);
        if (sorted.Length <= 16) DescendingInsertionSort(sorted); // pooling windows: the general sort's set-up cost dominated
        else
        {
            sorted.Sort();
            sorted.Reverse();
        }
        double sum = 0, theta = 0;
        for (int j = 0; j < sorted.Length; j++)
        {
            sum += sorted[j];
            double candidate = (sum - 1) / (j + 1);
            if (sorted[j] - candidate > 0) theta = candidate;
        }
        for (int i = 0; i < w.Length; i++) w[i] = Math.Max(w[i] - theta, 0);
    }

    private static void DescendingInsertionSort(Span<double> a)
    {
        for (int i = 1; i < a.Length; i++)
        {
            double x = a[i];
            int j = i - 1;
            for (; j >= 0 && a[j] < x; j--) a[j + 1] = a[j];
            a[j + 1] = x;
        }
    }
}
