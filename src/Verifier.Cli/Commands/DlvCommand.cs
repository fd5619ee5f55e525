using System.CommandLine;
using System.Globalization;
using Verifier.Core.Errors;
using Verifier.Core.Results;
using Verifier.Dlv;
using Verifier.Dlv.Network;
using Verifier.Dlv.Regions;
using Verifier.Dlv.Reporting;
using Verifier.Dlv.Search;
using Verifier.Formats;
using Verifier.Formats.Idx;

namespace Verifier.Cli.Commands;

/// <summary>
/// `verify dlv MODEL --images IDX --index I`: DLV's layer-by-layer discretised search for adversarial examples
/// (Huang et al., CAV 2017). Exit 1 when an adversarial example was found (and confirmed in float32 and float64),
/// else 2, also when guarantee mode checked every grid point (that is a statement about the grid, not the region).
/// </summary>
public static class DlvCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var images = new Option<string>("--images") { Description = "idx images file (.gz allowed); pixels are scaled to [0, 1].", Required = true };
        var index = new Option<int>("--index") { Description = "First image index (0-based).", DefaultValueFactory = _ => 0 };
        var count = new Option<int>("--count") { Description = "Number of consecutive images.", DefaultValueFactory = _ => 1 };
        var layer = new Option<int>("--layer") { Description = "Layer to analyse: 0 = input, k = the k-th Dense/Conv layer.", DefaultValueFactory = _ => 0 };
        var features = new Option<int>("--features") { Description = "Rounds (numOfFeatures); dims_L = features · feature-dims.", DefaultValueFactory = _ => 150 };
        var featureDims = new Option<int>("--feature-dims") { Description = "Dimensions per feature (featureDims).", DefaultValueFactory = _ => 5 };
        var span = new Option<double>("--span") { Description = "Input grid step sp.", DefaultValueFactory = _ => 1.0 };
        var numSpan = new Option<int>("--num-span") { Description = "Input steps per direction m.", DefaultValueFactory = _ => 1 };
        var search = new Option<string>("--search") { Description = "heuristic (single path), exhaustive (best-first, distance budget) or guarantee (every grid point).", DefaultValueFactory = _ => "heuristic" };
        search.AcceptOnlyFromAmong("heuristic", "exhaustive", "guarantee");
        var enumeration = new Option<string?>("--enumeration") { Description = "Grid points per region: corners, lattice or point (default: point at layer 0, corners above)." };
        enumeration.AcceptOnlyFromAmong("corners", "lattice", "point");
        var budget = new Option<double>("--distance-budget") { Description = "Exhaustive search: normalised L1 budget.", DefaultValueFactory = _ => 0.02 };
        var smt = new Option<double?>("--smt-slack") { Description = "Back-map hidden grid points with Z3, |y' − target| ≤ slack · step (default: exact equality)." };
        var smtRegions = new Option<bool>("--smt-regions") { Description = "Let Z3's quantified containment query decide each hidden region's width (default: the exact closed form)." };
        var compat = new Option<bool>("--compat") { Description = "Reproduce the original code where it departs from the paper (ReLU not inverted, top-left max-pool cell, Flatten index bug)." };
        var output = new Option<string?>("--out") { Description = "Directory for PNGs, per-example JSON and run statistics." };
        var seed = CommonOptions.Seed();
        var timeout = CommonOptions.Timeout();
        var json = CommonOptions.Json();
        var command = new Command("dlv", "DLV: search a discretised region around an image for adversarial examples.")
        {
            model, images, index, count, layer, features, featureDims, span, numSpan, search, enumeration, budget, smt, smtRegions, compat, output, seed, timeout, json,
        };
        var limits = ModelLimitOptions.Create();
        limits.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            var net = LayeredNetwork.From(ModelLoader.Load(parse.GetValue(model)!, limits.Read(parse, DlvBatch)));
            var imagesPath = parse.GetValue(images)!;
            var data = ReadImages(imagesPath);
            if (data.ImageSize != net.InputSize)
                throw new InputException(imagesPath, $"images have {data.ImageSize} pixels, the network takes {net.InputSize} inputs");
            int k = parse.GetValue(layer);
            net.HiddenLayer(k); // validates the layer number
            var options = new DlvOptions
            {
                NumFeatures = Positive(parse.GetValue(features), "--features"),
                FeatureDims = Positive(parse.GetValue(featureDims), "--feature-dims"),
                Span = parse.GetValue(span) is > 0 and var s && double.IsFinite(s) ? s : throw new InputException("--span", "must be a positive number"),
                NumSpan = Positive(parse.GetValue(numSpan), "--num-span"),
                Enumeration = parse.GetValue(enumeration) switch { "corners" => Enumeration.Corners, "lattice" => Enumeration.Lattice, "point" => Enumeration.Point, _ => k == 0 ? Enumeration.Point : Enumeration.Corners },
                DistanceBudget = parse.GetValue(budget),
                SmtSlack = parse.GetValue(smt),
                SmtRegionSteps = parse.GetValue(smtRegions),
                Seed = parse.GetValue(seed),
                CompatReluNotInverted = parse.GetValue(compat),
                CompatMaxPoolTopLeft = parse.GetValue(compat),
                CompatFlattenIndex = parse.GetValue(compat),
                Cancellation = cancellation,
            };
            var strategy = Enum.Parse<SearchStrategy>(parse.GetValue(search)!, ignoreCase: true);
            if (strategy != SearchStrategy.Heuristic && k != 0)
                throw new InputException("--search", $"the {strategy.ToString().ToLowerInvariant()} search runs on the input layer only (--layer 0)");
            int first = parse.GetValue(index), n = Positive(parse.GetValue(count), "--count");
            if (first < 0 || first + n > data.Count) throw new InputException(imagesPath, $"images {first}..{first + n - 1} requested, the file holds {data.Count}");
            var outDir = parse.GetValue(output);
            var layout = ImageLayout.For(net.Layers[0].Shape, options.InputLow, options.InputHigh);
            var records = new List<ImageRecord>();
            var examples = new List<(int Index, double[] Image, DlvResult Result)>();
            bool jsonOut = parse.GetValue(json);
            for (int i = first; i < first + n; i++)
            {
                var image = DatasetImages.Image(data, i, imagesPath);
                DlvResult result;
                try { result = DlvRunner.Run(net, image, options, strategy, k); }
                catch (DlvLimitException e) { throw new InputException(imagesPath, $"image {i}: {e.Message}"); }
                var record = ImageRecord.From(i, result);
                records.Add(record);
                examples.Add((i, image, result));
                if (!jsonOut) PrintRecord(record);
            }
            // Files are written once every image is done, so a run stopped by its deadline or Ctrl-C leaves none.
            var files = outDir is null ? [] : examples.SelectMany(e => DlvReport.WriteExample(outDir, layout, e.Index, e.Image, e.Result)).ToList();
            var summary = RunStatistics.From(records);
            var parameters = new { model = parse.GetValue(model), images = imagesPath, layer = k, search = strategy.ToString().ToLowerInvariant(), options.NumFeatures, options.FeatureDims, options.Span, options.NumSpan, enumeration = options.Enumeration.ToString().ToLowerInvariant(), options.Seed, compat = parse.GetValue(compat) };
            if (outDir is not null) DlvReport.WriteStatistics(outDir, records, summary, parameters);
            if (jsonOut) Output.Json(new { parameters, summary, images = records, files });
            else Output.Answer(() => Console.WriteLine($"images {summary.Images}, adversarial {summary.Successes} ({summary.SuccessRate:P1}), median {summary.MedianSeconds:0.###} s per image"));
            // Safety w.r.t. the manipulations covers the grid only (class changes between grid points remain possible),
            // so it is not reported as "holds": a CI gate must not read it as safety of the continuous region.
            return Task.FromResult(records.Any(r => r.AdversarialClass is not null) ? ExitCodes.Violated : ExitCodes.Undecided);
        });
        return command;
    }

    /// <summary>Grid points evaluated at once by the searches.</summary>
    private const int DlvBatch = 256;

    private static IdxDataset ReadImages(string path)
    {
        var pixels = IdxReader.ReadImages(path, out int count, out int rows, out int cols);
        return new IdxDataset(pixels, new byte[count], count, rows, cols);
    }

    private static int Positive(int value, string option) => value > 0 ? value : throw new InputException(option, "must be a positive integer");

    private static void PrintRecord(ImageRecord r)
    {
        var c = CultureInfo.InvariantCulture;
        var line = string.Create(c, $"image {r.Index}: class {r.OriginalClass} ({r.OriginalConfidence:0.0000}) -> {r.Outcome} after {r.Rounds} rounds, {r.Evaluations} evaluations, {r.Seconds:0.###} s");
        if (r.Distances is { } d)
            line += string.Create(c, $"; new class {r.AdversarialClass} ({r.AdversarialConfidence:0.0000}), {d.L0} inputs changed, L2 {d.L2:0.####} (normalised {d.L2Normalised:0.####}), L1 {d.L1:0.####} (normalised {d.L1Normalised:0.####})");
        Console.WriteLine(line);
    }
}
