using Verifier.Reports.Charts;
using Verifier.Reports.Model;

namespace Verifier.Tests.Gate;

/// <summary>The robustness chart of the HTML report, read back from its SVG (issue 23: single-eps axis from -1 to 1).</summary>
public class RobustnessChartTests
{
    [Fact]
    public void SingleEpsilonIsOneStackedBarWithSharesLabelled()
    {
        var chart = Chart([0.01], ("verified", 0.01, 3), ("falsified", 0.01, 1));
        Assert.Empty(chart.Series);
        Assert.Empty(chart.Points);
        var bars = chart.Bars;
        Assert.Equal(["verified", "falsified"], bars.Select(b => b.Outcome));
        Assert.Equal(3.0, bars[0].Width / bars[1].Width, 6);
        Assert.Equal(bars[0].X + bars[0].Width, bars[1].X, 2);
        Assert.Contains("verified 3 (75%)", chart.Texts);
        Assert.Contains("falsified 1 (25%)", chart.Texts);
        Assert.Contains("undecided 0 (0%)", chart.Texts);
        Assert.Contains("75%", chart.Texts);
        Assert.Contains("eps 0.01", chart.Texts);
        Assert.All(chart.AllX, x => Assert.InRange(x, 0, chart.Width));
    }

    [Fact]
    public void EqualConfiguredEpsilonsAreOneBar()
    {
        var chart = Chart([0.02, 0.02], ("unknown", 0.02, 1), ("error", 0.02, 1));
        Assert.Equal(["undecided"], chart.Bars.Select(b => b.Outcome));
        Assert.Contains("undecided 2 (100%)", chart.Texts);
    }

    [Fact]
    public void SingleEpsilonWithoutPropertiesIsAnEmptyBarNotAnError()
    {
        var html = RobustnessChart.Html(Check([0.05]))!;
        Assert.Contains("data-empty-bar=\"0.05\"", html);
        Assert.Contains("No properties at eps 0.05", html);
        Assert.Empty(ChartSvg.Single(html).Bars);
    }

    [Theory]
    [InlineData(new[] { 0.01, 0.3 })]
    [InlineData(new[] { 0.3, 0.01, 0.1, 0.05, 0.2 })]
    [InlineData(new[] { 0.1, 0.004, 0.001 })]
    [InlineData(new[] { 0.001, 0.002, 0.005, 0.01, 0.02 })]
    [InlineData(new[] { 0.0, 0.00392156862745098, 0.0078431372549019607 })]
    public void CurveAxisStartsAtZeroWithATickAtEveryConfiguredEpsilon(double[] epsilons)
    {
        var chart = ChartSvg.Single(RobustnessChart.Html(SyntheticReports.Spread(epsilons))!);
        AssertAxisFromZero(chart, epsilons);
        Assert.Empty(chart.Bars);
        var verified = Assert.Single(chart.Series, s => s.Outcome == "verified").Points;
        Assert.Equal(epsilons.Distinct().Count(), verified.Count);
        Assert.True(verified.Zip(verified.Skip(1)).All(p => p.First.X < p.Second.X), "the curve runs left to right in eps");
        foreach (var p in chart.Points)
            Assert.Equal(chart.Ticks.Single(t => t.Configured && Math.Abs(t.X - p.X) < 0.01).Value,
                epsilons.Single(e => Math.Abs(XOf(chart, e) - p.X) < 0.01));
    }

    [Fact]
    public void EpsilonWithoutPropertiesKeepsItsTickAndBreaksTheCurve()
    {
        double[] epsilons = [0.01, 0.02, 0.03];
        var html = RobustnessChart.Html(Check(epsilons, ("verified", 0.01, 2), ("falsified", 0.03, 1), ("verified", 0.03, 1)))!;
        var chart = ChartSvg.Single(html);
        AssertAxisFromZero(chart, epsilons);
        Assert.Empty(chart.Series);
        Assert.DoesNotContain(chart.Points, p => Math.Abs(p.X - XOf(chart, 0.02)) < 0.01);
        Assert.Contains("data-empty-eps=\"0.02\"", html);
        Assert.Contains("No properties at eps 0.02", html);
    }

    [Fact]
    public void NegativeEpsilonInAReportIsNeverDrawn()
    {
        var chart = Chart([0.1, 0.2], ("verified", -0.5, 1), ("verified", 0.1, 1), ("verified", 0.2, 1));
        Assert.All(chart.Ticks, t => Assert.True(t.Value >= 0, t.Label));
        Assert.Equal(2, chart.Points.Count(p => p.Outcome == "verified"));
    }

    [Fact]
    public void ChecksWithoutEpsilonsHaveNoChart() => Assert.Null(RobustnessChart.Html(Check([])));

    [Fact]
    public void TickLabelsAreRoundAndConfiguredOnesOnlyAsPreciseAsNeeded()
    {
        var chart = Chart([0.3, 0.1], ("verified", 0.1, 1), ("verified", 0.3, 1));
        Assert.Equal(["0", "0.05", "0.1", "0.15", "0.2", "0.25", "0.3"], chart.Ticks.OrderBy(t => t.Value).Select(t => t.Label));
        Assert.Equal(["0.00392", "0.0039"], EpsilonAxis.Labels([0.00392156862745098, 0.0039]));
        Assert.Equal(["0.12345", "0.12346"], EpsilonAxis.Labels([0.12345, 0.12346]));
    }

    /// <summary>
    /// The x axis starts at 0 at the plot's left edge and ends at its right edge on a round value just past the
    /// largest eps, maps eps linearly, has no negative tick, labels every configured eps, and its labels
    /// (at about 0.6 em per character) do not overlap within a row.
    /// </summary>
    internal static void AssertAxisFromZero(ChartSvg chart, IReadOnlyList<double> epsilons)
    {
        var ticks = chart.Ticks;
        Assert.All(ticks, t => Assert.True(t.Value >= 0 && t.Label?.StartsWith('-') != true, $"negative tick {t.Value}"));
        var origin = Assert.Single(ticks, t => t.Value == 0);
        Assert.Equal("0", origin.Label);
        Assert.Equal(ticks.Min(t => t.X), origin.X);
        Assert.Equal(chart.PlotSpan.Left, origin.X, 1);
        Assert.All(chart.AllX, x => Assert.InRange(x, 0, chart.Width));
        Assert.All(chart.Points, p => Assert.True(p.X >= origin.X, $"a point left of eps 0 at x {p.X}"));
        var far = ticks.MaxBy(t => t.Value)!;
        Assert.True(far.Value >= epsilons.Max() && far.Value <= 1.5 * epsilons.Max(), $"the axis ends at {far.Value}, for eps up to {epsilons.Max()}");
        Assert.Equal(chart.PlotSpan.Right, far.X, 1);
        foreach (var t in ticks)
            Assert.Equal(origin.X + (far.X - origin.X) * t.Value / far.Value, t.X, 1);
        foreach (var e in epsilons)
            Assert.Contains(ticks, t => t.Configured && t.Value == e && t.Label is not null);
        foreach (var row in ticks.Where(t => t.Label is not null).GroupBy(t => t.LabelY))
        {
            var spans = row.Select(t => (Left: t.X - 3.6 * t.Label!.Length, Right: t.X + 3.6 * t.Label.Length, t.Label)).OrderBy(s => s.Left).ToList();
            foreach (var (a, b) in spans.Zip(spans.Skip(1)))
                Assert.True(a.Right <= b.Left, $"tick labels {a.Label} and {b.Label} overlap");
        }
    }

    internal static double XOf(ChartSvg chart, double eps)
    {
        var origin = chart.Ticks.Single(t => t.Value == 0);
        var far = chart.Ticks.MaxBy(t => t.Value)!;
        return origin.X + (far.X - origin.X) * eps / far.Value;
    }

    private static ChartSvg Chart(double[] configured, params (string Result, double Eps, int Count)[] results) =>
        ChartSvg.Single(RobustnessChart.Html(Check(configured, results))!);

    private static CheckReport Check(double[] configured, params (string Result, double Eps, int Count)[] results) =>
        SyntheticReports.Check(configured, results);
}
