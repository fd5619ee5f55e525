using System.Globalization;
using System.Net;
using Verifier.Reports.Model;

namespace Verifier.Reports.Charts;

/// <summary>
/// A check's robustness chart as an inline SVG figure: with one epsilon, a stacked bar of verified / falsified /
/// undecided shares; with more, those shares as curves against epsilon on an axis from 0.
/// </summary>
public static class RobustnessChart
{
    /// <summary>Null when no property has an epsilon (VNN-LIB and DLV checks).</summary>
    public static string? Html(CheckReport check)
    {
        var shares = EpsilonShares.Of(check);
        if (shares.Count == 0) return null;
        var svg = shares.Count == 1 ? StackedBarChart.Svg(check.Name, shares[0]) : CurveChart.Svg(check.Name, shares);
        var empty = shares.Where(s => s.Total == 0).Select(s => SvgCanvas.Exact(s.Epsilon)).ToList();
        var note = empty.Count == 0 ? "" : $"<figcaption>No properties at eps {WebUtility.HtmlEncode(string.Join(", ", empty))} in this report (another shard's, or none were run).</figcaption>";
        return $"<figure class=\"robustness-chart\">{svg}{note}</figure>";
    }

    /// <summary>What a mark's tooltip says about one epsilon.</summary>
    internal static string Describe(EpsilonShares s) => s.Total == 0
        ? $"eps {SvgCanvas.Exact(s.Epsilon)}: no properties in this report"
        : $"eps {SvgCanvas.Exact(s.Epsilon)}: " + string.Join(", ", Outcome.All.Select(o => $"{o.Count(s)} {o.Name} ({o.Percent(s)})")) + $" of {s.Total}";

    /// <summary>Colour swatches with names (and, for the bar, counts) in a row from <paramref name="x"/>.</summary>
    internal static void Legend(SvgCanvas svg, double x, double y, Func<Outcome, string> text)
    {
        foreach (var o in Outcome.All)
        {
            svg.Rect(x, y - 10, 11, 11, o.Colour);
            svg.Text(x + 16, y, text(o), anchor: "start", data: SvgCanvas.Data(("legend", o.Name)));
            x += 16 + SvgCanvas.TextWidth(text(o)) + 18;
        }
    }
}
