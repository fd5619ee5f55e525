using System.Diagnostics;
using System.Security.Cryptography;
using Verifier.Core.Graph;
using Verifier.Core.Results;
using Verifier.Core.Specifications;
using Verifier.Core.Specifications.VnnLib;
using Verifier.Formats;
using Verifier.Formats.Idx;
using Verifier.Gate.Config;
using Verifier.Pipeline;
using Verifier.Reports.Images;
using Verifier.Reports.Model;

namespace Verifier.Gate.Running;

public sealed record GateRunOptions(Shard Shard, string? ExportDirectory = null, Action<string>? Progress = null, ModelLoadOptions? ModelLimits = null);

/// <summary>The report and the counterexample pictures of a run (pictures only for image inputs).</summary>
public sealed record GateResult(GateReport Report, IReadOnlyDictionary<string, ImageTriplet> Images);

/// <summary>Runs every check of a gate config (this shard's part of it) through the verification pipeline.</summary>
public static class GateRunner
{
    public static GateResult Run(GateConfig config, GateRunOptions options, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var plans = config.Checks.Select(c => (Check: c, Graph: ModelLoader.Load(c.Model, options.ModelLimits), Jobs: (List<PropertyJob>?)null)).Select(p => (p.Check, p.Graph, Jobs: Jobs(p.Check, p.Graph))).ToList();
        var mine = options.Shard.Select(plans.SelectMany(p => p.Jobs.Select(j => j.Id))).ToHashSet();
        var exporter = options.ExportDirectory is { } dir ? new CounterexampleExporter(dir) : null;
        var images = new Dictionary<string, ImageTriplet>();
        var checks = new List<CheckReport>();
        foreach (var (check, graph, jobs) in plans)
        {
            var budget = check.BudgetSeconds is { } b ? Stopwatch.StartNew() : null;
            var properties = new List<PropertyReport>();
            foreach (var job in jobs.Where(j => mine.Contains(j.Id)))
            {
                cancellation.ThrowIfCancellationRequested();
                double remaining = check.BudgetSeconds is { } total ? total - budget!.Elapsed.TotalSeconds : double.MaxValue;
                var report = remaining <= 0
                    ? new PropertyReport(job.Id, job.Spec, job.Epsilon, job.ImageIndex, job.Label, Verdict.Timeout.Word(), 0, "none", "the check's time budget was spent", null, null)
                    : check.Dlv is { } dlv ? DlvCheck.Run(config, dlv, graph, job, exporter, images)
                    : RunJob(config, check, graph, job, Math.Min(check.TimeoutSeconds, remaining), exporter, images, cancellation);
                properties.Add(report);
                options.Progress?.Invoke($"{check.Name}: {job.Id} {report.Result} ({report.Seconds:F1} s)");
            }
            var counts = Counts.Of(properties);
            var (status, reasons) = ThresholdEvaluation.Evaluate(counts, check.Thresholds.MinVerified, check.Thresholds.MaxFalsified, config.Undecided);
            checks.Add(new CheckReport(check.Name, check.Model, Sha256(check.Model), status, reasons, check.Thresholds.MinVerified,
                check.Thresholds.MaxFalsified, config.Undecided.ToString().ToLowerInvariant(), counts, properties, check.Robustness?.Epsilons));
        }
        exporter?.Finish();
        int exit = ThresholdEvaluation.ExitCode(checks);
        var gate = new GateReport(GateReport.SchemaName, ToolVersion, config.Path, config.Seed, options.Shard.ToString(), started,
            Math.Round(clock.Elapsed.TotalSeconds, 3), ThresholdEvaluation.Status(exit), exit, checks);
        return new GateResult(gate, images);
    }

    public static string ToolVersion => typeof(GateRunner).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private static PropertyReport RunJob(GateConfig config, CheckConfig check, NetworkGraph graph, PropertyJob job, double timeout,
        CounterexampleExporter? exporter, Dictionary<string, ImageTriplet> images, CancellationToken cancellation)
    {
        var input = ModelAndProperty.Create(graph, job.Property!(), check.Model, job.Spec);
        var settings = new VerificationSettings(TimeSpan.FromSeconds(timeout), config.Seed, check.Methods);
        var outcome = PropertyVerifier.Run(input, settings, cancellation);
        return Report(job, outcome, input.Property, exporter, images);
    }

    /// <summary>The report of one property; a validated witness is described, pictured and exported.</summary>
    internal static PropertyReport Report(PropertyJob job, VerificationOutcome outcome, SafetyProperty property,
        CounterexampleExporter? exporter, Dictionary<string, ImageTriplet> images)
    {
        WitnessReport? witness = null;
        List<string>? artifacts = null;
        if (outcome.Witness is { } w)
        {
            witness = Describe(w, job.Original);
            if (job.Original is not null && job.ImageRows > 0)
            {
                var range = property.Cases[w.CaseIndex].Box;
                images[job.Id] = ImageTriplet.Create(job.Original, w.Input, job.ImageCols, job.ImageRows,
                    range.Lower.Min(l => l.Value), range.Upper.Max(u => u.Value));
            }
            artifacts = exporter?.Export(job, w, witness, images.GetValueOrDefault(job.Id));
        }
        return new PropertyReport(job.Id, job.Spec, job.Epsilon, job.ImageIndex, job.Label, outcome.Verdict.Word(),
            Math.Round(outcome.Elapsed.TotalSeconds, 3), outcome.Method, outcome.Detail, witness, artifacts);
    }

    private static WitnessReport Describe(Witness w, double[]? original)
    {
        int predicted = 0;
        for (int j = 1; j < w.OutputFloat32.Length; j++)
            if (w.OutputFloat32[j] > w.OutputFloat32[predicted]) predicted = j;
        if (original is null) return new WitnessReport(w.Input, w.OutputFloat32, predicted, null, null, null);
        double linf = 0, l2 = 0;
        int changed = 0;
        for (int i = 0; i < original.Length; i++)
        {
            double d = Math.Abs(w.Input[i] - original[i]);
            linf = Math.Max(linf, d);
            l2 += d * d;
            if (d > 0) changed++;
        }
        return new WitnessReport(w.Input, w.OutputFloat32, predicted, linf, Math.Sqrt(l2), changed);
    }

    private static List<PropertyJob> Jobs(CheckConfig check, NetworkGraph graph)
    {
        if (check.VnnLib is { } files)
        {
            var root = CommonDirectory(files);
            return files.Select(f => new PropertyJob($"{check.Name}/{Path.GetRelativePath(root, f)}", f, () => VnnLibParser.Parse(f))).ToList();
        }
        if (check.Dlv is { } dlv) return DlvCheck.Jobs(check.Name, dlv);
        var r = check.Robustness!;
        var data = IdxReader.ReadDataset(r.Images, r.Labels);
        if (r.Start + r.Count > data.Count)
            throw new Core.Errors.InputException(r.Images, $"holds {data.Count} images; the check asks for {r.Start}..{r.Start + r.Count - 1}");
        int classes = graph.OutputShape.ElementCount;
        var jobs = new List<PropertyJob>();
        for (int i = r.Start; i < r.Start + r.Count; i++)
        {
            var x = new double[data.ImageSize];
            for (int k = 0; k < x.Length; k++) x[k] = (float)(data.Pixels[i * data.ImageSize + k] * r.Scale);
            int label = data.Labels[i], index = i;
            foreach (var eps in r.Epsilons)
            {
                var id = $"{check.Name}/image-{i}/eps-{eps.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}";
                var spec = $"{Path.GetFileName(r.Images)}[{i}] label {label}, Linf eps {eps}";
                jobs.Add(new PropertyJob(id, spec, () => RobustnessProperty.Create(x, eps, label, classes, r.ClipLower, r.ClipUpper, r.Images),
                    eps, index, label, x, data.Rows, data.Cols));
            }
        }
        return jobs;
    }

    private static string CommonDirectory(IReadOnlyList<string> files)
    {
        var dirs = files.Select(f => Path.GetDirectoryName(f)!).ToList();
        var common = dirs[0];
        while (dirs.Any(d => !(d + Path.DirectorySeparatorChar).StartsWith(common + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            common = Path.GetDirectoryName(common) ?? "/";
        return common;
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
