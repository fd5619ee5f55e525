using System.Globalization;
using System.Net;
using System.Text;

namespace Verifier.Reports.Charts;

/// <summary>
/// Builds one inline SVG. Only presentation attributes, no classes the page styles: the report's CSS (which
/// colours table rows named after outcomes) cannot restyle a chart. `data-*` attributes name what a mark shows.
/// </summary>
internal sealed class SvgCanvas(double width, string label)
{
    public const double FontSize = 12;

    /// <summary>A generous width per character at <see cref="FontSize"/> (DejaVu Sans digits are 0.64 em), to keep labels apart.</summary>
    public const double CharWidth = 7.8;

    private readonly StringBuilder _body = new();

    public double Width => width;

    public static string Number(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>The shortest text that reads back as the same double.</summary>
    public static string Exact(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static double TextWidth(string text) => text.Length * CharWidth;

    public void Line(double x1, double y1, double x2, double y2, string stroke, double strokeWidth = 1, string data = "", bool dashed = false) =>
        _body.Append($"<line x1=\"{Number(x1)}\" y1=\"{Number(y1)}\" x2=\"{Number(x2)}\" y2=\"{Number(y2)}\" stroke=\"{stroke}\" ")
             .Append($"stroke-width=\"{Number(strokeWidth)}\"{(dashed ? " stroke-dasharray=\"4 3\"" : "")}{data}/>");

    public void Rect(double x, double y, double w, double h, string fill, string data = "", string? tooltip = null, string stroke = "none") =>
        _body.Append($"<rect x=\"{Number(x)}\" y=\"{Number(y)}\" width=\"{Number(w)}\" height=\"{Number(h)}\" fill=\"{fill}\" stroke=\"{stroke}\"{data}>")
             .Append(Tooltip(tooltip)).Append("</rect>");

    public void Circle(double x, double y, double r, string fill, string data = "", string? tooltip = null) =>
        _body.Append($"<circle cx=\"{Number(x)}\" cy=\"{Number(y)}\" r=\"{Number(r)}\" fill=\"{fill}\"{data}>{Tooltip(tooltip)}</circle>");

    public void Polyline(IEnumerable<(double X, double Y)> points, string stroke, double strokeWidth, string data = "") =>
        _body.Append($"<polyline points=\"{string.Join(' ', points.Select(p => Number(p.X) + "," + Number(p.Y)))}\" fill=\"none\" ")
             .Append($"stroke=\"{stroke}\" stroke-width=\"{Number(strokeWidth)}\" stroke-linejoin=\"round\"{data}/>");

    /// <param name="halo">A white outline under the glyphs, so that a line passing behind the text does not cross it out.</param>
    public void Text(double x, double y, string text, string anchor = "middle", string fill = "#222", string data = "", bool bold = false,
        double size = FontSize, bool halo = false) =>
        _body.Append($"<text x=\"{Number(x)}\" y=\"{Number(y)}\" text-anchor=\"{anchor}\" fill=\"{fill}\" font-size=\"{Number(size)}\"")
             .Append(bold ? " font-weight=\"bold\"" : "").Append(halo ? " stroke=\"#fff\" stroke-width=\"4\" paint-order=\"stroke\"" : "")
             .Append($"{data}>{Encode(text)}</text>");

    /// <summary>An attribute list such as ` data-eps="0.01"`, values encoded.</summary>
    public static string Data(params (string Name, string Value)[] attributes) =>
        string.Concat(attributes.Select(a => $" data-{a.Name}=\"{Encode(a.Value)}\""));

    public string ToSvg(double height) =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Number(width)}\" height=\"{Number(height)}\" viewBox=\"0 0 {Number(width)} {Number(height)}\" " +
        $"role=\"img\" aria-label=\"{Encode(label)}\" font-family=\"system-ui, sans-serif\">{_body}</svg>";

    private static string Tooltip(string? text) => text is null ? "" : $"<title>{Encode(text)}</title>";

    private static string Encode(string s) => WebUtility.HtmlEncode(s);
}
