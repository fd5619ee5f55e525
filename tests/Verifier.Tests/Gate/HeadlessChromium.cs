using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Verifier.Tests.Support;

namespace Verifier.Tests.Gate;

/// <summary>Headless Chromium (installed by tools/install-deps.sh), to see an HTML report as a person does.</summary>
public sealed class HeadlessChromium(string profileDirectory)
{
    /// <summary>Where each text of each SVG was laid out, in CSS pixels.</summary>
    public sealed record Box(string Text, double Left, double Right, double Top, double Bottom);
    public sealed record SvgLayout(Box Svg, List<Box> Texts);

    // Appended to a copy of the page: measures what the browser actually laid out, fonts included.
    private const string LayoutProbe = """
        <script>
        const box = (e, text) => { const b = e.getBoundingClientRect(); return { text, left: b.left, right: b.right, top: b.top, bottom: b.bottom }; };
        const layout = [...document.querySelectorAll('svg')].map(svg => ({ svg: box(svg, ''), texts: [...svg.querySelectorAll('text')].map(t => box(t, t.textContent)) }));
        const pre = document.createElement('pre'); pre.id = 'layout'; pre.textContent = JSON.stringify(layout); document.body.append(pre);
        </script>
        """;

    public void Screenshot(string htmlFile, string pngFile) => Run($"--screenshot={pngFile}", "--window-size=1200,1600", "file://" + htmlFile);

    public List<SvgLayout> Layout(string htmlFile)
    {
        var probed = Path.Combine(profileDirectory + "-probe.html");
        File.WriteAllText(probed, File.ReadAllText(htmlFile).Replace("</body>", LayoutProbe + "</body>"));
        var dom = Run("--dump-dom", "file://" + probed);
        int start = dom.IndexOf("<pre id=\"layout\">", StringComparison.Ordinal);
        Assert.True(start >= 0, "the layout probe did not run: " + dom[..Math.Min(dom.Length, 300)]);
        start += "<pre id=\"layout\">".Length;
        var json = WebUtility.HtmlDecode(dom[start..dom.IndexOf("</pre>", start, StringComparison.Ordinal)]);
        return JsonSerializer.Deserialize<List<SvgLayout>>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }

    private string Run(params string[] arguments)
    {
        var chromium = SystemPackages.Chromium();
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", $"--user-data-dir={profileDirectory}" }.Concat(arguments))
            start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        _ = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(90)), "chromium did not finish");
        return stdout.Result;
    }
}
