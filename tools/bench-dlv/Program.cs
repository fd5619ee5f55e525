// DLV against FGSM and JSMA on the first N MNIST test images with the paper's parameter grid (Table 1 of
// Huang et al. 2017): normalised L2 and L1 averaged over the successful images, success rate, and seconds per
// image. Also times one layer-1 SMT round (conv1 region, 32 corners, Z3 back-mapping) per image.
// Usage: dotnet run -c Release --project tools/bench-dlv -- [N] [shared-dir]
using System.Diagnostics;
using System.Globalization;
using Verifier.Compute.Attacks;
using Verifier.Dlv;
using Verifier.Dlv.Network;
using Verifier.Dlv.Regions;
using Verifier.Dlv.Reporting;
using Verifier.Dlv.Search;
using Verifier.Formats;
using Verifier.Formats.Idx;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
string shared = args.Length > 1 ? args[1] : FindShared();
var graph = ModelLoader.Load(Path.Combine(shared, "benchmarks", "dlv", "mnist_cnn.onnx"));
var net = LayeredNetwork.From(graph);
var data = IdxReader.ReadDataset(Path.Combine(shared, "data", "mnist", "t10k-images-idx3-ubyte.gz"), Path.Combine(shared, "data", "mnist", "t10k-labels-idx1-ubyte.gz")).Take(n);
var images = Enumerable.Range(0, n).Select(i => DatasetImages.Image(data, i, "t10k")).ToArray();
var predicted = images.Select(x => Prediction.FromLogits(net.Logits(x)).Class).ToArray();
Console.WriteLine($"# DLV benchmark: first {n} MNIST test images, mnist_cnn.onnx, {Environment.ProcessorCount} cores, {DateTime.UtcNow:u}");
Console.WriteLine("| method | parameter | L2 (normalised) | L1 (normalised) | succeeded | median s/image |");
Console.WriteLine("|---|---|---|---|---|---|");

// Baselines as the DLV harness ran them: label = predicted class; FGSM without clipping (cleverhans default there).
var flat = images.SelectMany(x => x.Select(v => (float)v)).ToArray();
foreach (var eps in new[] { 0.1, 0.2, 0.4 })
{
    var result = Fgsm.Run(graph, flat, predicted, new AttackOptions(eps) { InputMin = float.MinValue, InputMax = float.MaxValue });
    Row("FGSM", $"eps={eps}", Found(result), result.Elapsed.TotalSeconds / n, perImage: false);
}
foreach (var theta in new[] { 0.1, 0.4 })
{
    // JSMA with gamma = 0.05 as the DLV script; it targets the strongest other class (the script tried all nine).
    var result = Jsma.Run(graph, flat, predicted, new JsmaOptions { Theta = theta, MaxDistortion = 0.05 });
    Row("JSMA", $"theta={theta}", Found(result), result.Elapsed.TotalSeconds / n, perImage: false);
}
foreach (var dims in new[] { 75, 150, 450, 750 })
{
    var options = new DlvOptions { FeatureDims = 5, NumFeatures = dims / 5, Enumeration = Enumeration.Point };
    var runs = images.Select(x => HeuristicSearch.Run(net, x, options)).ToArray();
    Row("DLV input walk", $"dims_l={dims}", runs.Select(r => r.Adversarial?.Distances).ToArray(), RunStatistics.Median(runs.Select(r => r.Elapsed.TotalSeconds)), perImage: true);
}

// One layer-1 round per image: the conv1 region of the first input feature, 2^5 corners, each mapped back with Z3.
int smtImages = Math.Min(n, 10);
var roundTimes = new List<double>();
int mappedBack = 0, adversarial = 0;
foreach (var x in images.Take(smtImages))
{
    var clock = Stopwatch.StartNew();
    var pixels = FeatureSelection.TopByDistanceFromMean(x, 5);
    var round = LayerAnalysis.Run(net, x, pixels, 1, new DlvOptions { Enumeration = Enumeration.Corners, SmtSlack = 1.0 });
    roundTimes.Add(clock.Elapsed.TotalSeconds);
    mappedBack += round.InsideInputRegion.Count;
    adversarial += round.Adversarial.Count;
}
Console.WriteLine();
Console.WriteLine($"layer-1 SMT round (conv1, 5 neurons, 32 corners, Z3 QF_LRA back-mapping, slack = 1 step) on {smtImages} images: " +
    $"median {RunStatistics.Median(roundTimes):0.###} s, max {roundTimes.Max():0.###} s; {mappedBack} of {32 * smtImages} corners mapped back inside the input region, {adversarial} adversarial");

void Row(string method, string parameter, Distances?[] found, double seconds, bool perImage)
{
    var ok = found.Where(d => d is not null).Select(d => d!).ToArray();
    string l2 = ok.Length == 0 ? "-" : ok.Average(d => d.L2Normalised).ToString("0.000");
    string l1 = ok.Length == 0 ? "-" : ok.Average(d => d.L1Normalised).ToString("0.000");
    Console.WriteLine($"| {method} | {parameter} | {l2} | {l1} | {100.0 * ok.Length / found.Length:0.0}% | {seconds:0.###}{(perImage ? "" : " (batch mean)")} |");
}

Distances?[] Found(AttackResult result) =>
    result.Adversarial.Select((a, i) => a is null ? null : Distances.Between(images[i], a.Select(v => (double)v).ToArray())).ToArray();

static string FindShared()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (Directory.Exists(Path.Combine(dir.FullName, "shared", "benchmarks"))) return Path.Combine(dir.FullName, "shared");
    throw new DirectoryNotFoundException("shared fixtures not found; pass the directory as the second argument");
}
