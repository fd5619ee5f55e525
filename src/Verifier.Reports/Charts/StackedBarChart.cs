namespace Verifier.Reports.Charts;

/// <summary>One epsilon: a single bar split into verified / falsified / undecided, each labelled with its share.</summary>
internal static class StackedBarChart
{
    private const double Width = 720, Left = 104, Right = 24, BarTop = 36, BarHeight = 40;

    public static string Svg(string check, EpsilonShares s)
    {
        var svg = new SvgCanvas(Width, $"robustness of {check} at one epsilon");
        string eps = EpsilonAxis.Labels([s.Epsilon])[0];
        svg.Text(Left, 18, $"{check}: {s.Total} properties at eps {eps} (L-infinity)", anchor: "start", bold: true, size: 14);
        svg.Text(Left - 8, BarTop + BarHeight / 2 + 4, $"eps {eps}", anchor: "end", data: SvgCanvas.Data(("eps-label", eps)));
        double barWidth = Width - Left - Right, x = Left;
        if (s.Total == 0)
        {
            svg.Rect(Left, BarTop, barWidth, BarHeight, "#f6f8fa", SvgCanvas.Data(("empty-bar", eps)), RobustnessChart.Describe(s), stroke: "#999");
            svg.Text(Left + barWidth / 2, BarTop + BarHeight / 2 + 4, "no properties at this eps in this report", fill: "#666");
        }
        foreach (var o in Outcome.All.Where(o => o.Count(s) > 0))
        {
            double w = barWidth * o.Share(s);
            svg.Rect(x, BarTop, w, BarHeight, o.Colour, SvgCanvas.Data(("bar", o.Name), ("count", o.Count(s).ToString())), RobustnessChart.Describe(s));
            if (SvgCanvas.TextWidth(o.Percent(s)) + 8 <= w)
                svg.Text(x + w / 2, BarTop + BarHeight / 2 + 4, o.Percent(s), fill: "#fff", bold: true);
            x += w;
        }
        double scaleY = BarTop + BarHeight;
        for (int p = 0; p <= 100; p += 25)
        {
            double px = Left + barWidth * p / 100;
            svg.Line(px, scaleY, px, scaleY + 4, "#999");
            svg.Text(px, scaleY + 16, p + "%", fill: "#666", data: SvgCanvas.Data(("share-tick", p.ToString())));
        }
        RobustnessChart.Legend(svg, Left, scaleY + 40, o => $"{o.Name} {o.Count(s)} ({o.Percent(s)})");
        return svg.ToSvg(scaleY + 52);
    }
}
