using System.Globalization;
using Verifier.Reports.Model;

namespace Verifier.Tests.Gate;

/// <summary>Gate reports made up in memory, for charts of cases a real run rarely produces.</summary>
public static class SyntheticReports
{
    /// <param name="results">Per line, that many properties with that result at that eps.</param>
    public static CheckReport Check(double[] configured, params (string Result, double Eps, int Count)[] results)
    {
        var properties = results.SelectMany(r => Enumerable.Range(0, r.Count).Select(i => new PropertyReport(
            $"c/{r.Result}-{i}/eps-{r.Eps.ToString("R", CultureInfo.InvariantCulture)}", "spec", r.Eps, i, 0, r.Result, 0.1, "attack", null, null, null))).ToList();
        return new CheckReport("c", "m.onnx", "00", "passed", [], 0, 0, "fail", Counts.Of(properties), properties, configured);
    }

    /// <summary>At the i-th of n epsilons: n - i verified, i falsified, one timeout; none at the epsilons in <paramref name="empty"/>.</summary>
    public static CheckReport Spread(double[] configured, params double[] empty) => Check(configured, configured.Distinct().Order()
        .Where(e => !empty.Contains(e))
        .SelectMany((e, i) => new[] { ("verified", e, configured.Length - i), ("falsified", e, i), ("timeout", e, 1) }).ToArray());

    public static GateReport Gate(CheckReport check) =>
        new(GateReport.SchemaName, "0.0.0", "gate.yaml", 0, "1/1", DateTimeOffset.UnixEpoch, 1, check.Status, 0, [check]);
}
