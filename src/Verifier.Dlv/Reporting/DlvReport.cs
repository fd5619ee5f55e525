using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Verifier.Dlv.Search;

namespace Verifier.Dlv.Reporting;

/// <summary>Distances of one adversarial example, raw sums and normalised per input element.</summary>
public sealed record DistanceRecord(int L0, double L1, double L2, double Linf, double L0Normalised, double L1Normalised, double L2Normalised)
{
    public static DistanceRecord From(Distances d) => new(d.L0, d.L1, d.L2, d.Linf, d.L0Normalised, d.L1Normalised, d.L2Normalised);
}

/// <summary>One image of a run, as the statistics file lists it (the code's dataCollection fields).</summary>
public sealed record ImageRecord(int Index, string Outcome, int OriginalClass, double OriginalConfidence, int? AdversarialClass,
    double? AdversarialConfidence, int Rounds, long Evaluations, double Seconds, double? PercentChanged, DistanceRecord? Distances)
{
    public static ImageRecord From(int index, DlvResult r) => new(index, OutcomeName(r.Outcome), r.Original.Class, r.Original.Confidence,
        r.Adversarial?.Adversarial.Class, r.Adversarial?.Adversarial.Confidence, r.Rounds, r.Evaluations, r.Elapsed.TotalSeconds,
        r.Adversarial is { } a ? 100.0 * a.Distances.L0Normalised : null, r.Adversarial is { } b ? DistanceRecord.From(b.Distances) : null);

    public static string OutcomeName(DlvOutcome outcome) => outcome switch
    {
        DlvOutcome.Adversarial => "adversarial",
        DlvOutcome.SafeWithRespectToManipulations => "safe with respect to the manipulations",
        _ => "no adversarial example found",
    };
}

/// <summary>Averages over the successful images and the success rate (successes / images processed), as the paper reports.</summary>
public sealed record RunStatistics(int Images, int Successes, double SuccessRate, double MeanSeconds, double MedianSeconds,
    double? MeanPercentChanged, double? MeanL2Normalised, double? MeanL1Normalised, double? MeanL2, double? MeanL1, double? MeanAdversarialConfidence)
{
    public static RunStatistics From(IReadOnlyList<ImageRecord> records)
    {
        var found = records.Where(r => r.Distances is not null).ToList();
        double? Mean(Func<ImageRecord, double> f) => found.Count == 0 ? null : found.Average(f);
        var seconds = records.Select(r => r.Seconds).ToArray();
        return new RunStatistics(records.Count, found.Count, records.Count == 0 ? 0 : (double)found.Count / records.Count,
            records.Count == 0 ? 0 : seconds.Average(), Median(seconds), Mean(r => r.PercentChanged!.Value),
            Mean(r => r.Distances!.L2Normalised), Mean(r => r.Distances!.L1Normalised), Mean(r => r.Distances!.L2), Mean(r => r.Distances!.L1),
            Mean(r => r.AdversarialConfidence!.Value));
    }

    /// <summary>The sample median (mean of the two middle values for an even count); 0 for no values.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var v = values.ToArray();
        return v.Length == 0 ? 0 : MathNet.Numerics.Statistics.ArrayStatistics.MedianInplace(v);
    }
}

/// <summary>Writes a run's files: per adversarial example three PNGs and a JSON; per run the statistics.</summary>
public static class DlvReport
{
    public static JsonSerializerOptions Json => Core.IO.JsonDefaults.Options;

    /// <summary>PNGs (original, adversarial, amplified difference) when the input is a picture, and the example's JSON. Returns the files written.</summary>
    public static List<string> WriteExample(string directory, ImageLayout? layout, int index, double[] image, DlvResult result)
    {
        var files = new List<string>();
        if (result.Adversarial is not { } a) return files;
        Directory.CreateDirectory(directory);
        string P(double p) => p.ToString("0.000000", CultureInfo.InvariantCulture);
        if (layout is not null)
        {
            files.Add(Path.Combine(directory, $"{index}_original_as_{a.Original.Class}_with_confidence_{P(a.Original.Confidence)}.png"));
            layout.WriteImage(files[^1], image);
            files.Add(Path.Combine(directory, $"{index}_{a.Original.Class}_modified_into_{a.Adversarial.Class}_with_confidence_{P(a.Adversarial.Confidence)}.png"));
            layout.WriteImage(files[^1], a.Input);
            files.Add(Path.Combine(directory, $"{index}_diff.png"));
            layout.WriteDifference(files[^1], image, a.Input);
        }
        files.Add(Path.Combine(directory, $"{index}_adversarial.json"));
        WriteText(files[^1], JsonSerializer.Serialize(new { record = ImageRecord.From(index, result), input = a.Input }, Json));
        return files;
    }

    /// <summary>statistics.json and the code's tab-separated dataCollection.txt.</summary>
    public static void WriteStatistics(string directory, IReadOnlyList<ImageRecord> records, RunStatistics summary, object parameters)
    {
        Directory.CreateDirectory(directory);
        WriteText(Path.Combine(directory, "statistics.json"), JsonSerializer.Serialize(new { parameters, summary, images = records }, Json));
        var text = new StringBuilder("index\toutcome\tseconds\tpercent_changed\tl2_normalised\tl1_normalised\tl2\tl1\tadversarial_class\tconfidence\n");
        string F(double? v) => v?.ToString("0.######", CultureInfo.InvariantCulture) ?? "-";
        foreach (var r in records)
            text.Append(CultureInfo.InvariantCulture, $"{r.Index}\t{r.Outcome}\t{F(r.Seconds)}\t{F(r.PercentChanged)}\t{F(r.Distances?.L2Normalised)}\t{F(r.Distances?.L1Normalised)}\t{F(r.Distances?.L2)}\t{F(r.Distances?.L1)}\t{r.AdversarialClass?.ToString(CultureInfo.InvariantCulture) ?? "-"}\t{F(r.AdversarialConfidence)}\n");
        text.Append(CultureInfo.InvariantCulture, $"# images {summary.Images}, success rate {F(summary.SuccessRate)}, mean seconds {F(summary.MeanSeconds)}, median seconds {F(summary.MedianSeconds)}, ");
        text.Append(CultureInfo.InvariantCulture, $"mean percent changed {F(summary.MeanPercentChanged)}, mean l2_normalised {F(summary.MeanL2Normalised)}, mean l1_normalised {F(summary.MeanL1Normalised)}\n");
        WriteText(Path.Combine(directory, "dataCollection.txt"), text.ToString());
    }

    private static void WriteText(string path, string content) => Core.IO.AtomicFile.WriteAllText(path, content);
}
