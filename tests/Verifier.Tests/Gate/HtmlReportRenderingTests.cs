using System.Diagnostics;
using SkiaSharp;
using Verifier.Tests.Cli;

namespace Verifier.Tests.Gate;

/// <summary>The HTML report as a person sees it: rendered by headless Chromium (installed by tools/install-deps.sh).</summary>
public class HtmlReportRenderingTests
{
    [Fact]
    public void ReportRendersWithCurveAndCounterexampleImages()
    {
        using var files = new GateTestFiles();
        var config = files.Write("robust.yaml", $"""
            checks:
              - name: mnist
                model: {GateTestFiles.MnistNet}
                robustness: {"{"} images: {GateTestFiles.MnistImages}, labels: {GateTestFiles.MnistLabels}, count: 2, eps: [0.01, 0.3] {"}"}
                methods: [attack]
                timeout: 2
                thresholds: {"{"} min_verified: 0, max_falsified: 4 {"}"}
            """);
        var html = files.File_("report.html");
        var run = CliRunner.Run("gate", config, "--html", html);
        Assert.True(run.ExitCode is 0 or 2, run.Stdout + run.Stderr);
        var text = File.ReadAllText(html);
        Assert.Contains("alt=\"robustness curve of mnist\"", text);
        Assert.Contains("alt=\"adversarial\"", text);

        var screenshot = files.File_("shot.png");
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Chromium is not installed: run tools/install-deps.sh");
        var start = new ProcessStartInfo(chromium)
        {
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", $"--user-data-dir={files.File_("profile")}",
                "--window-size=1200,1600", $"--screenshot={screenshot}", "file://" + html,
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using (var p = Process.Start(start)!)
        {
            p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEndAsync();
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(90)), "chromium did not finish");
        }
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
        Assert.True(coloured > 50, $"no coloured pixels: the robustness curve did not render ({coloured})");
    }
}
