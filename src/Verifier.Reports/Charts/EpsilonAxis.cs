using System.Globalization;

namespace Verifier.Reports.Charts;

/// <summary>A tick of the epsilon axis; configured epsilons are the ones properties were checked at.</summary>
internal sealed record AxisTick(double Value, string Label, bool Configured);

/// <summary>
/// The x axis of the robustness curve: from 0 to the first round value at or past the largest epsilon, with
/// round ticks and a tick at every configured epsilon. The ticks are listed in the order their labels claim
/// space: the origin, then the configured epsilons, then the round values.
/// </summary>
internal sealed record EpsilonAxis(double End, IReadOnlyList<AxisTick> Ticks)
{
    /// <param name="epsilons">Distinct, ascending, at least 0, the largest above 0.</param>
    public static EpsilonAxis For(IReadOnlyList<double> epsilons)
    {
        double step = RoundStep(epsilons[^1]);
        int intervals = Math.Max(1, (int)Math.Ceiling(epsilons[^1] / step - 1e-9));
        var labels = Labels(epsilons);
        var configured = epsilons.Select((e, i) => new AxisTick(e, labels[i], Configured: true));
        var round = Enumerable.Range(0, intervals + 1).Select(k => RoundTick(k, step))
            .Where(t => !epsilons.Any(e => Math.Abs(e - t.Value) < step * 1e-6));
        return new EpsilonAxis(intervals * step, round.Take(1).Where(t => t.Value == 0).Concat(configured).Concat(round.Where(t => t.Value != 0)).ToList());
    }

    /// <summary>Labels for the configured epsilons: three significant digits, more only where two would read the same.</summary>
    public static string[] Labels(IReadOnlyList<double> epsilons)
    {
        for (int digits = 3; ; digits++)
        {
            var labels = epsilons.Select(e => e.ToString(digits < 17 ? "G" + digits : "R", CultureInfo.InvariantCulture)).ToArray();
            if (digits >= 17 || labels.Distinct().Count() == labels.Length) return labels;
        }
    }

    /// <summary>1, 2, 2.5 or 5 times a power of ten, for at most six intervals up to <paramref name="max"/>.</summary>
    private static double RoundStep(double max)
    {
        double least = max / 6, power = Math.Pow(10, Math.Floor(Math.Log10(least)));
        return new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * power).First(s => s >= least * (1 - 1e-12));
    }

    private static AxisTick RoundTick(int k, double step)
    {
        // k * step carries binary noise (3 * 0.1 = 0.30000000000000004); the label and value are the round number.
        double value = double.Parse((k * step).ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return new AxisTick(value, value.ToString("G6", CultureInfo.InvariantCulture), Configured: false);
    }
}

/// <summary>
/// Keeps tick labels from overlapping: a label that would touch one already placed moves a row down if it names
/// a configured epsilon (every one is shown), and is left out if it is only a round value (its tick stays).
/// </summary>
internal static class TickLabelLayout
{
    private const double Gap = 6;

    /// <returns>The row of each label (0 = just under the axis), or null where it is left out.</returns>
    public static int?[] Rows(IReadOnlyList<(double X, string Label, bool Keep)> labels)
    {
        var rows = new List<List<(double Left, double Right)>>();
        var placed = new int?[labels.Count];
        for (int i = 0; i < labels.Count; i++)
        {
            double half = SvgCanvas.TextWidth(labels[i].Label) / 2 + Gap / 2;
            var span = (Left: labels[i].X - half, Right: labels[i].X + half);
            for (int row = 0; row < (labels[i].Keep ? rows.Count + 1 : 1); row++)
            {
                if (row == rows.Count) rows.Add([]);
                if (rows[row].Any(o => o.Left < span.Right && span.Left < o.Right)) continue;
                rows[row].Add(span);
                placed[i] = row;
                break;
            }
        }
        return placed;
    }
}
