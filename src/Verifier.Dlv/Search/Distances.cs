namespace Verifier.Dlv.Search;

/// <summary>
/// Distances between an image and its perturbation, raw (late DLV code) and normalised per element (the
/// CAV-era code and the paper's table: L2 = sqrt(Σd²/N), L1 = Σ|d|/N, L0 = changed fraction).
/// </summary>
public sealed record Distances(int L0, double L1, double L2, double Linf, int Elements)
{
    public double L0Normalised => (double)L0 / Elements;
    public double L1Normalised => L1 / Elements;
    public double L2Normalised => L2 / Math.Sqrt(Elements);

    public static Distances Between(ReadOnlySpan<double> original, ReadOnlySpan<double> changed)
    {
        int l0 = 0;
        double l1 = 0, l2 = 0, linf = 0;
        for (int i = 0; i < original.Length; i++)
        {
            double d = Math.Abs(changed[i] - original[i]);
            if (d == 0) continue;
            l0++;
            l1 += d;
            l2 += d * d;
            linf = Math.Max(linf, d);
        }
        return new Distances(l0, l1, Math.Sqrt(l2), linf, original.Length);
    }
}
