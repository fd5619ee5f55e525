using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Verifier.Tests.Gate;

/// <summary>The robustness chart of an HTML report, read back from its SVG: marks with their coordinates.</summary>
public sealed partial class ChartSvg
{
    public sealed record Tick(double Value, string? Label, bool Configured, double X, double? LabelY);
    public sealed record Mark(string Outcome, double X, double Y, double Width);

    private ChartSvg(XElement svg) => Root = svg;

    public XElement Root { get; }

    /// <summary>Every chart in the HTML, in document order.</summary>
    public static List<ChartSvg> All(string html) =>
        SvgElement().Matches(html).Select(m => new ChartSvg(XElement.Parse(m.Value))).ToList();

    public static ChartSvg Single(string html) => Assert.Single(All(html));

    public IEnumerable<XElement> Elements(string name) => Root.Descendants(XName.Get(name, "http://www.w3.org/2000/svg"));

    /// <summary>Every tick of the eps axis; those without room for a label have a null one.</summary>
    public List<Tick> Ticks => Elements("line").Where(l => l.Attribute("data-tick") is not null).Select(line =>
    {
        var label = Elements("text").SingleOrDefault(t => (string?)t.Attribute("data-tick-label") == (string)line.Attribute("data-tick")!);
        return new Tick(D(line, "data-tick"), label?.Value, (string?)label?.Attribute("data-configured") == "true", D(line, "x1"), label is null ? null : D(label, "y"));
    }).ToList();

    public List<Mark> Points => Marks("circle", "data-point", "cx", "cy");

    public List<Mark> Bars => Marks("rect", "data-bar", "x", "y");

    public List<(string Outcome, List<(double X, double Y)> Points)> Series => Elements("polyline").Select(p => (
        (string)p.Attribute("data-series")!,
        ((string)p.Attribute("points")!).Split(' ').Select(xy => xy.Split(',')).Select(xy => (Parse(xy[0]), Parse(xy[1]))).ToList())).ToList();

    public List<string> Texts => Elements("text").Select(t => t.Value).ToList();

    public double Width => D(Root, "width");

    /// <summary>Left and right ends of the plot area: where the horizontal grid lines (the 0% line among them) run.</summary>
    public (double Left, double Right) PlotSpan
    {
        get
        {
            var grid = Elements("line").Where(l => D(l, "y1") == D(l, "y2") && D(l, "x2") - D(l, "x1") > Width / 2).ToList();
            return (grid.Min(l => D(l, "x1")), grid.Max(l => D(l, "x2")));
        }
    }

    /// <summary>Every x coordinate any element is drawn at.</summary>
    public List<double> AllX => Root.Descendants().SelectMany(e => e.Attributes())
        .Where(a => a.Name.LocalName is "x" or "x1" or "x2" or "cx").Select(a => Parse(a.Value))
        .Concat(Series.SelectMany(s => s.Points.Select(p => p.X))).ToList();

    private List<Mark> Marks(string element, string kind, string x, string y) => Elements(element).Where(e => e.Attribute(kind) is not null)
        .Select(e => new Mark((string)e.Attribute(kind)!, D(e, x), D(e, y), e.Attribute("width") is null ? 0 : D(e, "width"))).ToList();

    private static double D(XElement e, string attribute) => Parse((string)e.Attribute(attribute)!);

    private static double Parse(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [GeneratedRegex("<svg .*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgElement();
}
