namespace Verifier.Core.Bounds;

/// <summary>
/// One ReLU-like layer's per-neuron lines on its input bounds [l, u] (y = x above 0, a x below), as
/// back-substitution takes them: the slope for a positive coefficient (1 or a on stable neurons, CROWN's adaptive
/// choice on unstable ones, which a caller's alpha replaces), the chord's slope and intercept for a negative
/// coefficient, and the rounding charged per unit of coefficient: the float32 rounding of a x (u32 a |l|) and a few
/// float64 roundings of the slopes (4 u64 |x|max). They depend on the bounds only, so the iterations of one
/// optimisation, which back-substitute through the same bounds dozens of times, build them once.
/// </summary>
internal sealed class ReluTables
{
    public double[] Positive = [], Negative = [], Intercept = [], Charge = [];
    public int[] Unstable = [];
    public int UnstableCount;

    [ThreadStatic] private static ReluTables? _perThread;

    /// <summary>The tables of [l, u] in a per-thread instance (valid until the thread fills it again).</summary>
    public static ReluTables ForThread(double[] l, double[] u, double a) => (_perThread ??= new ReluTables()).Fill(l, u, a);

    /// <summary>The tables of [l, u] in a new instance that the caller keeps.</summary>
    public static ReluTables Of(double[] l, double[] u, double a) => new ReluTables().Fill(l, u, a);

    private ReluTables Fill(double[] l, double[] u, double a)
    {
        int n = l.Length;
        if (Positive.Length < n) (Positive, Negative, Intercept, Charge, Unstable) = (new double[n], new double[n], new double[n], new double[n], new int[n]);
        UnstableCount = 0;
        for (int j = 0; j < n; j++)
        {
            double lo = l[j], hi = u[j];
            Charge[j] = (lo < 0 ? a * -lo * Rounding.Unit32 : 0) + 4 * Rounding.Unit64 * Rounding.AbsMax(lo, hi);
            Intercept[j] = 0;
            if (lo >= 0) Positive[j] = Negative[j] = 1;
            else if (hi <= 0) Positive[j] = Negative[j] = a;
            else
            {
                Negative[j] = (hi - a * lo) / (hi - lo);
                Intercept[j] = a * lo - Negative[j] * lo;
                Positive[j] = BoundAnalyzer.AdaptiveSlope(lo, hi, a);
                Unstable[UnstableCount++] = j;
            }
        }
        return this;
    }
}
