using Verifier.Reports.Model;

namespace Verifier.Reports.Writers;

/// <summary>Fractions of verified, falsified and undecided properties against epsilon, as a PNG (ScottPlot).</summary>
public static class RobustnessCurve
{
    /// <summary>Null when the check has fewer than one epsilon (VNN-LIB checks have none).</summary>
    public static byte[]? Render(CheckReport check, int width = 560, int height = 320)
    {
        var groups = check.Properties.Where(p => p.Epsilon is not null).GroupBy(p => p.Epsilon!.Value).OrderBy(g => g.Key).ToList();
        if (groups.Count == 0) return null;
        double[] eps = groups.Select(g => g.Key).ToArray();
        double[] Fraction(Func<PropertyReport, bool> f) => groups.Select(g => (double)g.Count(f) / g.Count()).ToArray();
        var plot = new ScottPlot.Plot();
        Series(plot, eps, Fraction(p => p.Result == "verified"), "verified", ScottPlot.Colors.Green);
        Series(plot, eps, Fraction(p => p.Result == "falsified"), "falsified", ScottPlot.Colors.Red);
        Series(plot, eps, Fraction(p => p.Result is "unknown" or "timeout" or "error"), "undecided", ScottPlot.Colors.Orange);
        plot.Title($"{check.Name}: robustness against epsilon");
        plot.XLabel("epsilon (L-infinity)");
        plot.YLabel("fraction of properties");
        plot.Axes.SetLimitsY(-0.02, 1.02);
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
    }

    private static void Series(ScottPlot.Plot plot, double[] x, double[] y, string label, ScottPlot.Color color)
    {
        var s = plot.Add.Scatter(x, y, color);
        s.LegendText = label;
        s.MarkerSize = 7;
        s.LineWidth = 2;
    }
}
