using System.Diagnostics;
using Verifier.Core.Errors;
using Verifier.Core.Graph;
using Verifier.Core.Results;
using Verifier.Core.Specifications;
using Verifier.Dlv;
using Verifier.Dlv.Network;
using Verifier.Dlv.Regions;
using Verifier.Dlv.Search;
using Verifier.Formats.Idx;
using Verifier.Gate.Config;
using Verifier.Pipeline;
using Verifier.Reports.Images;
using Verifier.Reports.Model;

namespace Verifier.Gate.Running;

/// <summary>
/// A DLV manipulation check of one image. DLV's own answer is translated under the gate's soundness rules:
/// an adversarial example becomes `falsified` only after it re-validates through <see cref="WitnessCheck"/> as
/// a counterexample to L-infinity robustness at its own distance; `verified` only from the guarantee search
/// (every grid point of the discretised region evaluated), and it means safe with respect to those
/// manipulations; anything else is `unknown`.
/// </summary>
public static class DlvCheck
{
    public static List<PropertyJob> Jobs(string checkName, DlvCheckConfig dlv)
    {
        var data = IdxReader.ReadDataset(dlv.Images, dlv.Labels);
        if (dlv.Start + dlv.Count > data.Count)
            throw new InputException(dlv.Images, $"holds {data.Count} images; the check asks for {dlv.Start}..{dlv.Start + dlv.Count - 1}");
        return Enumerable.Range(dlv.Start, dlv.Count).Select(i => new PropertyJob(
            $"{checkName}/image-{i}/dlv-{dlv.Search.ToString().ToLowerInvariant()}",
            $"{Path.GetFileName(dlv.Images)}[{i}] DLV {dlv.Search.ToString().ToLowerInvariant()} search, {dlv.Features} features",
            null, null, i, data.Labels[i], DatasetImages.Image(data, i, dlv.Images), data.Rows, data.Cols)).ToList();
    }

    public static PropertyReport Run(GateConfig config, DlvCheckConfig dlv, NetworkGraph graph, PropertyJob job,
        CounterexampleExporter? exporter, Dictionary<string, ImageTriplet> images)
    {
        var clock = Stopwatch.StartNew();
        var options = new DlvOptions
        {
            NumFeatures = dlv.Features, FeatureDims = dlv.FeatureDims, Span = dlv.Span, NumSpan = dlv.NumSpan, Seed = config.Seed,
            Enumeration = Enumeration.Point,
        };
        var net = LayeredNetwork.From(graph);
        var image = job.Original!;
        DlvResult result;
        try { result = DlvRunner.Run(net, image, options, dlv.Search, paperLayer: 0); }
        catch (DlvLimitException e) { throw new InputException(dlv.Images, $"image {job.ImageIndex}: {e.Message}"); }
        var original = result.Original.Class;
        VerificationOutcome outcome;
        SafetyProperty? property = null;
        if (result.Adversarial is { } adversarial)
        {
            // The example as an L-infinity counterexample at its own distance (the box is rounded outward).
            double linf = adversarial.Distances.Linf;
            property = RobustnessProperty.Create(image, linf, original, graph.OutputShape.ElementCount, options.InputLow, options.InputHigh, dlv.Images);
            var witness = WitnessCheck.Validate(graph, property, adversarial.Input, out var reason);
            outcome = witness is null
                ? new VerificationOutcome(Verdict.Unknown, null, clock.Elapsed, "dlv", $"DLV's example failed re-validation: {reason}")
                : new VerificationOutcome(Verdict.Falsified, witness, clock.Elapsed, "dlv",
                    $"class {original} -> {adversarial.Adversarial.Class} after {result.Rounds} rounds, L0 {adversarial.Distances.L0}");
        }
        else if (result.Outcome == DlvOutcome.SafeWithRespectToManipulations)
            outcome = new VerificationOutcome(Verdict.Verified, null, clock.Elapsed, "dlv",
                $"safe with respect to the manipulations: all {result.Evaluations} grid points of the discretised region keep class {original}");
        else
            outcome = new VerificationOutcome(Verdict.Unknown, null, clock.Elapsed, "dlv", $"no adversarial example in {result.Rounds} rounds ({result.Evaluations} evaluations)");
        return GateRunner.Report(job, outcome, property!, exporter, images);
    }
}
