using SkiaSharp;
using Verifier.Reports.Writers;
using Verifier.Tests.Cli;

namespace Verifier.Tests.Gate;

/// <summary>
/// The HTML report as a person sees it, rendered by headless Chromium, with one, two and five epsilons.
/// Set VERIFIER_SCREENSHOTS=DIR to keep the screenshots and reports for looking at.
/// </summary>
public class HtmlReportRenderingTests
{
    [Theory]
    [InlineData("0.02")]
    [InlineData("0.01, 0.3")]
    [InlineData("0.3, 0.001, 0.004, 0.1, 0.02")]
    public void ReportRendersChartAndCounterexampleImages(string eps)
    {
        using var files = new GateTestFiles();
        var config = files.Write("robust.yaml", $"""
            checks:
              - name: mnist
                model: {GateTestFiles.MnistNet}
                robustness: {"{"} images: {GateTestFiles.MnistImages}, labels: {GateTestFiles.MnistLabels}, count: 2, eps: [{eps}] {"}"}
                timeout: 2
                thresholds: {"{"} min_verified: 0, max_falsified: 10 {"}"}
            """);
        var (html, json) = (files.File_("report.html"), files.File_("report.json"));
        var run = CliRunner.Run("gate", config, "--html", html, "--json", json);
        Assert.True(run.ExitCode is 0 or 2, run.Stdout + run.Stderr);
        var check = Assert.Single(JsonReport.Read(json).Checks);
        double[] configured = Numbers(eps);
        Assert.Equal(configured, check.Epsilons);
        var text = File.ReadAllText(html);
        var chart = ChartSvg.Single(text);
        if (configured.Length == 1)
        {
            Assert.Equal("robustness of mnist at one epsilon", (string?)chart.Root.Attribute("aria-label"));
            double full = chart.Bars.Sum(b => b.Width);
            Assert.Equal(check.Properties.Select(p => Outcome(p.Result)).Distinct().Order(), chart.Bars.Select(b => b.Outcome).Order());
            foreach (var bar in chart.Bars)
            {
                int count = check.Properties.Count(p => Outcome(p.Result) == bar.Outcome);
                Assert.Equal((double)count / check.Counts.Total, bar.Width / full, 3);
                Assert.Contains(chart.Texts, t => t.StartsWith($"{bar.Outcome} {count} (", StringComparison.Ordinal));
            }
        }
        else
        {
            Assert.Equal("robustness curve of mnist", (string?)chart.Root.Attribute("aria-label"));
            RobustnessChartTests.AssertAxisFromZero(chart, configured);
            Assert.Equal(3 * configured.Length, chart.Points.Count);
        }
        Assert.Equal(check.Counts.Falsified > 0, text.Contains("alt=\"adversarial\""));

        AssertReadsCleanly(files, html, "report-eps-" + eps.Replace(", ", "_"));
    }

    /// <summary>Cases a gate run rarely produces: labels crowded near 0, an eps no property of this shard has, repeated or unsorted eps.</summary>
    [Theory]
    [InlineData("0.005, 0.001, 0.003, 0.002, 0.004, 0.1", "")]
    [InlineData("0.01, 0.02, 0.03", "0.02")]
    [InlineData("0.05, 0.05", "")]
    [InlineData("0.3, 0.1, 0.2, 0.00392156862745098", "0.1")]
    public void EdgeCaseChartsReadCleanly(string eps, string empty)
    {
        using var files = new GateTestFiles();
        var html = files.File_("report.html");
        HtmlReport.Write(SyntheticReports.Gate(SyntheticReports.Spread(Numbers(eps), Numbers(empty))), html);
        var chart = ChartSvg.Single(File.ReadAllText(html));
        if (Numbers(eps).Distinct().Count() > 1) RobustnessChartTests.AssertAxisFromZero(chart, Numbers(eps));
        AssertReadsCleanly(files, html, "edge-eps-" + eps.Replace(", ", "_") + (empty == "" ? "" : "-empty-" + empty));
    }

    /// <summary>Rendered by Chromium: the page has ink and colour, and no text of a chart is cut off or overlaps another.</summary>
    private static void AssertReadsCleanly(GateTestFiles files, string html, string name)
    {
        var chromium = new HeadlessChromium(files.File_("profile"));
        var screenshot = files.File_("shot.png");
        chromium.Screenshot(html, screenshot);
        Keep(name, html, screenshot);
        AssertInked(screenshot);
        var layout = Assert.Single(chromium.Layout(html));
        Assert.Equal(ChartSvg.Single(File.ReadAllText(html)).Texts, layout.Texts.Select(t => t.Text));
        foreach (var t in layout.Texts)
            Assert.True(t.Left >= layout.Svg.Left - 0.5 && t.Right <= layout.Svg.Right + 0.5 && t.Top >= layout.Svg.Top - 0.5 && t.Bottom <= layout.Svg.Bottom + 0.5,
                $"'{t.Text}' is cut off by the chart's edge");
        foreach (var (a, b) in layout.Texts.SelectMany((a, i) => layout.Texts.Skip(i + 1).Select(b => (a, b))))
            Assert.False(a.Left < b.Right - 0.5 && b.Left < a.Right - 0.5 && a.Top < b.Bottom - 0.5 && b.Top < a.Bottom - 0.5,
                $"'{a.Text}' and '{b.Text}' overlap as rendered");
    }

    private static double[] Numbers(string list) =>
        list.Split(", ", StringSplitOptions.RemoveEmptyEntries).Select(e => double.Parse(e, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static string Outcome(string result) => result is "verified" or "falsified" ? result : "undecided";

    private static void AssertInked(string screenshot)
    {
        using var bitmap = SKBitmap.Decode(screenshot);
        Assert.NotNull(bitmap);
        int inked = 0, coloured = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
            for (int x = 0; x < bitmap.Width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red < 200 || c.Green < 200 || c.Blue < 200) inked++;
                if (Math.Abs(c.Red - c.Green) > 60 || Math.Abs(c.Green - c.Blue) > 60) coloured++;
            }
        int samples = (bitmap.Height / 2) * (bitmap.Width / 2);
        Assert.True(inked > samples / 100, $"the rendered report is nearly blank ({inked} of {samples} sampled pixels inked)");
        Assert.True(coloured > 50, $"no coloured pixels: the robustness chart did not render ({coloured})");
    }

    private static void Keep(string name, string html, string screenshot)
    {
        if (Environment.GetEnvironmentVariable("VERIFIER_SCREENSHOTS") is not { Length: > 0 } dir) return;
        Directory.CreateDirectory(dir);
        File.Copy(html, Path.Combine(dir, name + ".html"), overwrite: true);
        File.Copy(screenshot, Path.Combine(dir, name + ".png"), overwrite: true);
    }
}
