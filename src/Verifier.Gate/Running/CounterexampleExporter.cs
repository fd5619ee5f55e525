using System.Text.Json;
using Verifier.Core.IO;
using Verifier.Core.Results;
using Verifier.Formats.Idx;
using Verifier.Reports.Images;
using Verifier.Reports.Model;
using Verifier.Reports.Writers;

namespace Verifier.Gate.Running;

/// <summary>
/// Writes every validated counterexample for testers: the VNN-COMP result file (17 significant digits), a
/// JSON description, PNG triplets for images, and at the end an idx dataset of the adversarial images with
/// their true labels for fine-tuning. Each witness is re-validated before anything is written; files are
/// written atomically.
/// </summary>
public sealed class CounterexampleExporter(string directory)
{
    private readonly List<(byte[] Pixels, byte Label, int Rows, int Cols)> _adversarialImages = new();

    public List<string> Export(PropertyJob job, Witness witness, WitnessReport description, ImageTriplet? images)
    {
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, SafeName(job.Id));
        var written = new List<string>();
        ResultFile.Write(stem + ".counterexample", Verdict.Falsified, witness);
        written.Add(stem + ".counterexample");
        AtomicFile.WriteAllText(stem + ".json", JsonSerializer.Serialize(new
        {
            job.Id,
            Property = job.Spec,
            job.Epsilon,
            job.ImageIndex,
            job.Label,
            Witness = description,
            OutputFloat64 = witness.OutputFloat64,
            Case = witness.CaseIndex,
            Clause = witness.ClauseIndex,
        }, JsonReport.Options));
        written.Add(stem + ".json");
        if (images is not null)
            foreach (var (suffix, png) in new[] { ("original", images.Original), ("adversarial", images.Adversarial), ("difference", images.Difference) })
            {
                AtomicFile.WriteAllBytes($"{stem}-{suffix}.png", png);
                written.Add($"{stem}-{suffix}.png");
            }
        if (job.Label is { } label && job.ImageRows > 0 && job.Original is not null)
        {
            double lo = Math.Min(0, job.Original.Min()), hi = Math.Max(1, job.Original.Max());
            var pixels = witness.Input.Select(v => (byte)Math.Clamp(Math.Round((v - lo) / (hi - lo) * 255), 0, 255)).ToArray();
            _adversarialImages.Add((pixels, (byte)label, job.ImageRows, job.ImageCols));
        }
        return written.Select(f => Path.GetRelativePath(directory, f)).ToList();
    }

    /// <summary>Writes the idx dataset of adversarial images (bytes, so quantised: for fine-tuning, not as proof).</summary>
    public void Finish()
    {
        var groups = _adversarialImages.GroupBy(a => (a.Rows, a.Cols)).ToList();
        if (groups.Count != 1) return;
        var (rows, cols) = groups[0].Key;
        var items = groups[0].ToList();
        var data = new IdxDataset(items.SelectMany(i => i.Pixels).ToArray(), items.Select(i => i.Label).ToArray(), items.Count, rows, cols);
        IdxWriter.WriteDataset(Path.Combine(directory, "adversarial-images-idx3-ubyte"), Path.Combine(directory, "adversarial-labels-idx1-ubyte"), data);
    }

    private static string SafeName(string id) => string.Concat(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_'));
}
