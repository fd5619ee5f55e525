namespace Verifier.Reports.Charts;

/// <summary>Two or more epsilons: the share of each outcome against epsilon, on an axis from 0 past the largest.</summary>
internal static class CurveChart
{
    private const double Width = 720, Left = 56, Right = 40, Top = 52, PlotHeight = 240, RowHeight = 16;

    public static string Svg(string check, IReadOnlyList<EpsilonShares> shares)
    {
        var svg = new SvgCanvas(Width, $"robustness curve of {check}");
        var axis = EpsilonAxis.For(shares.Select(s => s.Epsilon).ToList());
        double plotWidth = Width - Left - Right, bottom = Top + PlotHeight;
        double X(double eps) => Left + plotWidth * eps / axis.End;
        double Y(double share) => bottom - PlotHeight * share;

        svg.Text(Left, 18, $"{check}: share of properties against eps", anchor: "start", bold: true, size: 14);
        RobustnessChart.Legend(svg, Left, 40, o => o.Name);
        for (int p = 0; p <= 100; p += 25)
        {
            svg.Line(Left, Y(p / 100.0), Left + plotWidth, Y(p / 100.0), p == 0 ? "#666" : "#e4e4e4");
            svg.Text(Left - 6, Y(p / 100.0) + 4, p + "%", anchor: "end", fill: "#666");
        }
        int rows = XTicks(svg, axis, X, bottom);
        foreach (var empty in shares.Where(s => s.Total == 0))
            svg.Line(X(empty.Epsilon), Top, X(empty.Epsilon), bottom, "#999", data: SvgCanvas.Data(("empty-eps", SvgCanvas.Exact(empty.Epsilon))), dashed: true);
        foreach (var o in Outcome.All) Series(svg, o, shares, X, Y);
        double titleY = bottom + 20 + rows * RowHeight;
        svg.Text(Left + plotWidth / 2, titleY, "eps (L-infinity radius)", fill: "#444");
        return svg.ToSvg(titleY + 8);
    }

    /// <returns>The rows of labels used.</returns>
    private static int XTicks(SvgCanvas svg, EpsilonAxis axis, Func<double, double> x, double bottom)
    {
        var rows = TickLabelLayout.Rows(axis.Ticks.Select(t => (x(t.Value), t.Label, t.Configured || t.Value == 0)).ToList());
        double LabelY(int row) => bottom + 16 + row * RowHeight;
        // Lines first, labels over them: a leader down to a lower row passes behind the labels above it.
        for (int i = 0; i < axis.Ticks.Count; i++)
        {
            double px = x(axis.Ticks[i].Value);
            if (!axis.Ticks[i].Configured) svg.Line(px, bottom - PlotHeight, px, bottom, "#f0f0f0");
            svg.Line(px, bottom, px, rows[i] is { } row ? LabelY(row) - 10 : bottom + 4, rows[i] > 0 ? "#bbb" : "#666",
                data: SvgCanvas.Data(("tick", SvgCanvas.Exact(axis.Ticks[i].Value))));
        }
        foreach (var (tick, row) in axis.Ticks.Zip(rows).Where(t => t.Second is not null))
            svg.Text(x(tick.Value), LabelY(row!.Value), tick.Label, fill: tick.Configured ? "#222" : "#777", bold: tick.Configured, halo: true,
                data: SvgCanvas.Data(("tick-label", SvgCanvas.Exact(tick.Value)), ("configured", tick.Configured ? "true" : "false")));
        return rows.Max(r => r ?? 0) + 1;
    }

    /// <summary>One outcome's curve, broken where an epsilon has no properties (there is no share to draw).</summary>
    private static void Series(SvgCanvas svg, Outcome o, IReadOnlyList<EpsilonShares> shares, Func<double, double> x, Func<double, double> y)
    {
        var run = new List<(double, double)>();
        foreach (var s in shares.Append(new EpsilonShares(double.NaN, 0, 0, 0)))
        {
            if (s.Total > 0) { run.Add((x(s.Epsilon), y(o.Share(s)))); continue; }
            if (run.Count > 1) svg.Polyline(run, o.Colour, o.LineWidth, SvgCanvas.Data(("series", o.Name)));
            run.Clear();
        }
        foreach (var s in shares.Where(s => s.Total > 0))
            svg.Circle(x(s.Epsilon), y(o.Share(s)), o.LineWidth / 2 + 2, o.Colour, SvgCanvas.Data(("point", o.Name), ("eps", SvgCanvas.Exact(s.Epsilon))), RobustnessChart.Describe(s));
    }
}
