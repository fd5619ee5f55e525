using System.Globalization;
using System.Xml.Linq;
using Verifier.Core.IO;
using Verifier.Reports.Model;

namespace Verifier.Reports.Writers;

/// <summary>
/// JUnit XML: one test suite per check, one test case per property. Falsified properties are failures that
/// carry the witness summary; undecided ones are failures or skips according to the check's policy.
/// </summary>
public static class JUnitReport
{
    public static string Format(GateReport report)
    {
        var suites = new XElement("testsuites",
            new XAttribute("name", "verify gate"),
            new XAttribute("tests", report.Checks.Sum(c => c.Properties.Count)),
            new XAttribute("failures", report.Checks.Sum(c => c.Properties.Count(p => IsFailure(c, p)))),
            new XAttribute("time", Seconds(report.Seconds)));
        foreach (var check in report.Checks)
        {
            var suite = new XElement("testsuite",
                new XAttribute("name", check.Name),
                new XAttribute("tests", check.Properties.Count),
                new XAttribute("failures", check.Properties.Count(p => IsFailure(check, p))),
                new XAttribute("skipped", check.Properties.Count(p => IsSkip(check, p))),
                new XAttribute("time", Seconds(check.Properties.Sum(p => p.Seconds))),
                new XElement("properties",
                    new XElement("property", new XAttribute("name", "model"), new XAttribute("value", check.Model)),
                    new XElement("property", new XAttribute("name", "model_sha256"), new XAttribute("value", check.ModelSha256)),
                    new XElement("property", new XAttribute("name", "status"), new XAttribute("value", check.Status))));
            foreach (var p in check.Properties)
            {
                var testCase = new XElement("testcase",
                    new XAttribute("classname", check.Name), new XAttribute("name", p.Id), new XAttribute("time", Seconds(p.Seconds)));
                if (IsFailure(check, p))
                    testCase.Add(new XElement("failure", new XAttribute("message", Message(p)), new XAttribute("type", p.Result), Details(p)));
                else if (IsSkip(check, p))
                    testCase.Add(new XElement("skipped", new XAttribute("message", Message(p))));
                suite.Add(testCase);
            }
            suites.Add(suite);
        }
        return new XDocument(new XDeclaration("1.0", "utf-8", null), suites).ToString();
    }

    public static void Write(GateReport report, string path) => AtomicFile.WriteAllText(path, Format(report));

    private static bool IsFailure(CheckReport check, PropertyReport p) =>
        p.Result is "falsified" or "error" || (p.Result is "unknown" or "timeout" && check.Undecided == "fail");

    private static bool IsSkip(CheckReport check, PropertyReport p) => p.Result is "unknown" or "timeout" && check.Undecided != "fail";

    private static string Message(PropertyReport p) => p.Result switch
    {
        "falsified" => $"falsified by {p.Method}: counterexample validated at zero tolerance" +
                       (p.Witness is { } w ? $", predicted class {w.PredictedClass}" + (w.LinfDistance is { } d ? $", Linf {d:G6}" : "") : ""),
        _ => $"{p.Result} after {p.Seconds:F1} s" + (p.Detail is null ? "" : $": {p.Detail}"),
    };

    private static string Details(PropertyReport p) =>
        $"spec: {p.Spec}\nresult: {p.Result}\nmethod: {p.Method}\n" +
        (p.Witness is { } w ? $"witness input: [{string.Join(", ", w.Input.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]\n" +
                              $"witness output: [{string.Join(", ", w.Output.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]\n" : "") +
        (p.Artifacts is { Count: > 0 } a ? "artifacts: " + string.Join(", ", a) + "\n" : "");

    private static string Seconds(double s) => s.ToString("F3", CultureInfo.InvariantCulture);
}
