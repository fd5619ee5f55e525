using Verifier.Reports.Model;

namespace Verifier.Reports.Charts;

/// <summary>How the properties at one epsilon came out: the data of a check's robustness chart.</summary>
internal sealed record EpsilonShares(double Epsilon, int Verified, int Falsified, int Undecided)
{
    public int Total => Verified + Falsified + Undecided;

    /// <summary>
    /// One entry per distinct epsilon, configured or reported, ascending. A configured epsilon without properties
    /// in this report (a shard that drew none of them) keeps its place with zero counts. Errors count as undecided:
    /// the three shares then add up to the whole.
    /// </summary>
    public static IReadOnlyList<EpsilonShares> Of(CheckReport check)
    {
        var byEpsilon = check.Properties.Where(p => p.Epsilon is not null).ToLookup(p => p.Epsilon!.Value);
        // A hand-edited or foreign report could carry a negative or infinite radius; no axis should show one.
        return (check.Epsilons ?? []).Concat(byEpsilon.Select(g => g.Key))
            .Where(e => e >= 0 && double.IsFinite(e)).Distinct().Order()
            .Select(e => new EpsilonShares(e, byEpsilon[e].Count(p => p.Result == "verified"), byEpsilon[e].Count(p => p.Result == "falsified"),
                byEpsilon[e].Count(p => p.Result is not ("verified" or "falsified"))))
            .ToList();
    }
}

/// <summary>
/// One of the three outcomes a chart shows, with its colour (the report tables' hues, darker). Curves are drawn in
/// this order, each thinner than the one before, so that where two coincide both colours still show.
/// </summary>
internal sealed record Outcome(string Name, string Colour, double LineWidth, Func<EpsilonShares, int> Count)
{
    public static readonly Outcome[] All =
    [
        new("verified", "#1a7f37", 5, s => s.Verified),
        new("falsified", "#cf222e", 3, s => s.Falsified),
        new("undecided", "#bf8700", 1.5, s => s.Undecided),
    ];

    public double Share(EpsilonShares s) => s.Total == 0 ? 0 : (double)Count(s) / s.Total;

    public string Percent(EpsilonShares s) => (100 * Share(s)).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "%";
}
