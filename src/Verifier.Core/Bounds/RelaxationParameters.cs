namespace Verifier.Core.Bounds;

/// <summary>
/// Optimisable parameters of one relaxation, which alpha-CROWN chooses per spec row as it does ReLU slopes: every
/// parameter vector gives sound lines (<see cref="With"/> clamps what is out of range), so the optimiser only costs
/// tightness. Built by the operator's <c>Relax</c>, which knows the input bounds the lines hold for.
/// </summary>
public interface IRelaxationParameters
{
    /// <summary>The parameters of the relaxation's own lines.</summary>
    double[] Start();

    /// <summary>The relaxation with the lines these parameters give (sound for any values).</summary>
    LinearRelaxation With(double[] parameters);

    /// <summary>
    /// d (sum_k c_k line_k(x)) / d parameter, where line_k is output k's lower line when c_k &gt; 0 and its upper
    /// line when c_k &lt; 0 (the line back-substitution takes), at the input point x; written into
    /// <paramref name="gradient"/>. A direction only: the bound is always recomputed.
    /// </summary>
    void Gradient(double[] parameters, ReadOnlySpan<double> c, ReadOnlySpan<double> x, double[] gradient);

    /// <summary>Back onto the feasible set after an optimiser's step.</summary>
    void Project(double[] parameters);
}

/// <summary>
/// The candidate upper lines of a maximum (MaxPool) per output k, all sound: the constant largest upper bound, x_best
/// plus a shift, and x_best plus the chords of the others (slopes per entry); NaN where a candidate is not finite.
/// <see cref="Chosen"/> is the relaxation's own choice, -1 where x_best dominates its window (y = x_best exactly).
/// </summary>
internal sealed class MaxPoolUpperLines(int outputs, int entries)
{
    public const int ConstantLine = 0, ShiftedLine = 1, ChordLine = 2, Count = 3;

    public readonly int[] Best = new int[outputs];
    public readonly int[] Chosen = Enumerable.Repeat(-1, outputs).ToArray();
    public readonly double[] Constant = new double[outputs], Shift = new double[outputs], ChordIntercept = new double[outputs];
    public readonly double[] ChordSlopes = new double[entries];

    public bool Available(int k, int candidate) => double.IsFinite(Intercept(k, candidate));

    public double Intercept(int k, int candidate) => candidate switch
    {
        ConstantLine => Constant[k],
        ShiftedLine => Shift[k],
        _ => ChordIntercept[k],
    };

    /// <summary>Candidate's value at x (entries of output k in [start, end)).</summary>
    public double Value(int k, int candidate, int start, int end, int[] index, ReadOnlySpan<double> x)
    {
        if (candidate == ConstantLine) return Constant[k];
        if (candidate == ShiftedLine) return x[index[Best[k]]] + Shift[k];
        double value = ChordIntercept[k];
        for (int e = start; e < end; e++) value += ChordSlopes[e] * x[index[e]];
        return value;
    }
}

/// <summary>
/// MaxPool's lines as alpha-CROWN chooses them: per window, lower-line weights w &gt;= 0 over its elements and
/// upper-line weights v &gt;= 0 over the three <see cref="MaxPoolUpperLines"/> candidates (laid out as w, then v).
/// With s = the sum of a set of weights, y &gt;= sum w_e x_e - |1 - s| max|y| (y - sum w_e x_e = sum w_e (y - x_e)
/// + (1 - s) y), and y &lt;= sum v_j line_j + |1 - s| max|y| alike, max|y| &lt;= max_e max(|l_e|, |u_e|); the
/// intercepts add that, |1 - s| widened by the rounding of computing s, and the roundings of forming the combined
/// line, outward. The projection puts each set on its simplex (unavailable candidates at 0), where only rounding
/// is charged; negative weights count as 0.
/// </summary>
internal sealed class MaxPoolLines(LinearRelaxation relaxation, double[] lower, double[] upper, MaxPoolUpperLines candidates) : IRelaxationParameters
{
    private int Entries => relaxation.Index.Length;

    /// <summary>Per entry, the largest magnitude its input takes; per window, the largest of its entries' (bounds max|y|).</summary>
    private readonly (double[] Entry, double[] Window) _magnitude = Magnitudes(relaxation, lower, upper);

    private static (double[] Entry, double[] Window) Magnitudes(LinearRelaxation relaxation, double[] lower, double[] upper)
    {
        var entry = relaxation.Index.Select(i => Rounding.AbsMax(lower[i], upper[i])).ToArray();
        var window = new double[relaxation.Outputs];
        for (int k = 0; k < window.Length; k++)
            for (int e = relaxation.RowStart[k]; e < relaxation.RowStart[k + 1]; e++) window[k] = Math.Max(window[k], entry[e]);
        return (entry, window);
    }

    public double[] Start()
    {
        var p = new double[Entries + MaxPoolUpperLines.Count * relaxation.Outputs];
        relaxation.Lower.CopyTo(p, 0);
        for (int k = 0; k < relaxation.Outputs; k++)
            if (candidates.Chosen[k] >= 0) p[Entries + MaxPoolUpperLines.Count * k + candidates.Chosen[k]] = 1;
        return p;
    }

    public LinearRelaxation With(double[] p)
    {
        var rowStart = relaxation.RowStart;
        var (w, lowerIntercept) = (new double[Entries], new double[relaxation.Outputs]);
        var (slopes, upperIntercept) = ((double[])relaxation.Upper.Clone(), (double[])relaxation.UpperIntercept.Clone());
        Span<double> v = stackalloc double[MaxPoolUpperLines.Count];
        var (entryMagnitude, windowMagnitude) = _magnitude;
        for (int k = 0; k < relaxation.Outputs; k++)
        {
            int start = rowStart[k], end = rowStart[k + 1];
            double sum = 0, largest = windowMagnitude[k];
            for (int e = start; e < end; e++)
            {
                w[e] = Weight(p[e]);
                sum += w[e];
            }
            lowerIntercept[k] = -Rounding.Up(Deviation(sum, end - start) * largest);
            if (candidates.Chosen[k] < 0) continue;
            double total = 0;
            for (int j = 0; j < v.Length; j++) total += v[j] = candidates.Available(k, j) ? Weight(p[Entries + MaxPoolUpperLines.Count * k + j]) : 0;
            if (total == 0) continue; // the relaxation's own line
            double intercept = 0, magnitude = 0;
            for (int j = 0; j < v.Length; j++)
                if (v[j] > 0)
                {
                    intercept += v[j] * candidates.Intercept(k, j);
                    magnitude += Math.Abs(v[j] * candidates.Intercept(k, j));
                }
            for (int e = start; e < end; e++)
            {
                slopes[e] = v[2] * candidates.ChordSlopes[e] + (e == candidates.Best[k] ? v[1] : 0);
                magnitude += Math.Abs(slopes[e]) * entryMagnitude[e];
            }
            upperIntercept[k] = Rounding.Up(intercept + Deviation(total, v.Length) * largest + 8 * Rounding.Unit64 * magnitude);
        }
        return relaxation with { Lower = w, LowerIntercept = lowerIntercept, Upper = slopes, UpperIntercept = upperIntercept };
    }

    public void Gradient(double[] p, ReadOnlySpan<double> c, ReadOnlySpan<double> x, double[] gradient)
    {
        var (rowStart, index) = (relaxation.RowStart, relaxation.Index);
        Array.Clear(gradient);
        for (int k = 0; k < relaxation.Outputs; k++)
        {
            if (c[k] > 0)
            {
                for (int e = rowStart[k]; e < rowStart[k + 1]; e++) gradient[e] = c[k] * x[index[e]];
                Centre(gradient.AsSpan(rowStart[k], rowStart[k + 1] - rowStart[k]), _ => true);
            }
            else if (c[k] < 0 && candidates.Chosen[k] >= 0)
            {
                var g = gradient.AsSpan(Entries + MaxPoolUpperLines.Count * k, MaxPoolUpperLines.Count);
                for (int j = 0; j < MaxPoolUpperLines.Count; j++)
                    if (candidates.Available(k, j)) g[j] = c[k] * candidates.Value(k, j, rowStart[k], rowStart[k + 1], index, x);
                Centre(g, j => candidates.Available(k, j));
            }
        }
    }

    /// <summary>
    /// The gradient's component along its simplex (the mean over the set taken out): the projection would cancel
    /// a common shift anyway, and Adam, which steps each coordinate by its own sign, would otherwise move every
    /// weight the same way when all partial derivatives share a sign (as after ReLUs, where every x_e &gt;= 0).
    /// </summary>
    private static void Centre(Span<double> g, Func<int, bool> member)
    {
        double sum = 0;
        int n = 0;
        for (int j = 0; j < g.Length; j++)
            if (member(j)) (sum, n) = (sum + g[j], n + 1);
        for (int j = 0; j < g.Length && n > 0; j++)
            if (member(j)) g[j] -= sum / n;
    }

    public void Project(double[] p)
    {
        Span<double> available = stackalloc double[MaxPoolUpperLines.Count];
        for (int k = 0; k < relaxation.Outputs; k++)
        {
            Simplex.Project(p.AsSpan(relaxation.RowStart[k], relaxation.RowStart[k + 1] - relaxation.RowStart[k]));
            if (candidates.Chosen[k] < 0) continue;
            var v = p.AsSpan(Entries + MaxPoolUpperLines.Count * k, MaxPoolUpperLines.Count);
            int n = 0;
            for (int j = 0; j < v.Length; j++)
                if (candidates.Available(k, j)) available[n++] = v[j];
            Simplex.Project(available[..n]);
            for (int j = 0, a = 0; j < v.Length; j++) v[j] = candidates.Available(k, j) ? available[a++] : 0;
        }
    }

    private static double Weight(double w) => w > 0 ? w : 0; // NaN too

    /// <summary>|1 - s| widened by the rounding of summing s from n non-negative terms.</summary>
    private static double Deviation(double sum, int n) => Math.Abs(1 - sum) + Rounding.Gamma(n + 1, Rounding.Unit64) * sum;
}
