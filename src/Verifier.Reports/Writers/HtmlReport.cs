using System.Net;
using System.Text;
using Verifier.Core.IO;
using Verifier.Reports.Model;

namespace Verifier.Reports.Writers;

/// <summary>
/// A self-contained HTML report: per-check tables, a robustness chart per check (verified / falsified /
/// undecided against epsilon, inline SVG), and the counterexample images, inlined as data URIs.
/// </summary>
public static class HtmlReport
{
    /// <param name="images">PNG triplets per property id (original, adversarial, difference), where the input is an image.</param>
    public static string Format(GateReport report, IReadOnlyDictionary<string, Images.ImageTriplet>? images = null)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Robustness gate report</title><style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
          .Append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f3f3f3}")
          .Append(".passed{color:#1a7f37}.failed{color:#cf222e}.undecided{color:#9a6700}")
          .Append(".verified{background:#e6ffec}.falsified{background:#ffebe9}.unknown,.timeout,.error{background:#fff8c5}")
          .Append("figure{display:inline-block;margin:4px;text-align:center}figcaption{font-size:12px}img{image-rendering:pixelated}")
          .Append(".robustness-chart{display:block;text-align:left;margin:1em 0}")
          .Append("</style></head><body>");
        sb.Append($"<h1>Robustness gate: <span class=\"{Class(report.Status)}\">{H(report.Status)}</span></h1>");
        sb.Append($"<p>Config <code>{H(report.Config)}</code>, seed {report.Seed}, shard {H(report.Shard)}, started {report.Started:u}, ")
          .Append($"{report.Seconds:F1} s, exit code {report.ExitCode}, verify {H(report.ToolVersion)}.</p>");
        sb.Append("<table><tr><th>check</th><th>status</th><th>verified</th><th>falsified</th><th>unknown</th><th>timeout</th><th>reasons</th></tr>");
        foreach (var c in report.Checks)
            sb.Append($"<tr><td><a href=\"#{Anchor(c.Name)}\">{H(c.Name)}</a></td><td class=\"{Class(c.Status)}\">{H(c.Status)}</td>")
              .Append($"<td>{c.Counts.Verified}/{c.Counts.Total}</td><td>{c.Counts.Falsified}</td><td>{c.Counts.Unknown}</td><td>{c.Counts.Timeout}</td>")
              .Append($"<td>{H(string.Join("; ", c.Reasons))}</td></tr>");
        sb.Append("</table>");
        foreach (var c in report.Checks) Check(sb, c, images);
        sb.Append("</body></html>");
        return sb.ToString();
    }

    public static void Write(GateReport report, string path, IReadOnlyDictionary<string, Images.ImageTriplet>? images = null) =>
        AtomicFile.WriteAllText(path, Format(report, images));

    private static void Check(StringBuilder sb, CheckReport c, IReadOnlyDictionary<string, Images.ImageTriplet>? images)
    {
        sb.Append($"<h2 id=\"{Anchor(c.Name)}\">{H(c.Name)}</h2>");
        sb.Append($"<p>Model <code>{H(c.Model)}</code> (SHA-256 <code>{H(c.ModelSha256)}</code>). Passes with at least {c.MinVerified:P0} verified ")
          .Append($"and at most {c.MaxFalsified} falsified; undecided properties {(c.Undecided == "fail" ? "count against it" : "count as verified")}.</p>");
        sb.Append(Charts.RobustnessChart.Html(c));
        sb.Append("<table><tr><th>property</th><th>result</th><th>seconds</th><th>method</th><th>detail</th></tr>");
        foreach (var p in c.Properties)
            sb.Append($"<tr class=\"{H(p.Result)}\"><td>{H(p.Id)}</td><td>{H(p.Result)}</td><td>{p.Seconds:F2}</td><td>{H(p.Method)}</td><td>{H(p.Detail ?? "")}</td></tr>");
        sb.Append("</table>");
        foreach (var p in c.Properties.Where(p => p.Result == "falsified"))
        {
            sb.Append($"<h3>Counterexample {H(p.Id)}</h3><p>Predicted class {p.Witness?.PredictedClass}");
            if (p.Label is { } label) sb.Append($" (true label {label})");
            if (p.Witness?.LinfDistance is { } linf) sb.Append($", Linf distance {linf:G6}, L2 {p.Witness.L2Distance:G6}, {p.Witness.ChangedInputs} inputs changed");
            sb.Append(".</p>");
            if (images is not null && images.TryGetValue(p.Id, out var t))
                foreach (var (caption, png) in new[] { ("original", t.Original), ("adversarial", t.Adversarial), ("difference (amplified)", t.Difference) })
                    sb.Append($"<figure><img alt=\"{caption}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"><figcaption>{caption}</figcaption></figure>");
        }
    }

    private static string H(string s) => WebUtility.HtmlEncode(s);
    private static string Class(string status) => status is "passed" or "failed" ? status : "undecided";
    private static string Anchor(string name) => "check-" + string.Concat(name.Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '-'));
}
