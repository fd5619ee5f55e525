using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Verifier.Compute.Attacks;
using Verifier.Core.Analysis;
using Verifier.Core.Errors;
using Verifier.Core.Graph;
using Verifier.Core.Results;
using Verifier.Core.Specifications;
using Verifier.Formats;
using Verifier.Formats.Idx;

namespace Verifier.Cli.Commands;

/// <summary>
/// `verify attack MODEL`: adversarial attacks on labelled idx images (robust accuracy under the attack), or a
/// spec-margin search for a counterexample to a VNN-LIB property (`sat` with a validated witness, or `unknown`).
/// An attack never proves robustness: an image it does not break may still have adversarial examples.
/// </summary>
public static class AttackCommand
{
    private const string Source = "verify attack";

    public static Command Create()
    {
        var model = CommonOptions.Model();
        var images = new Option<string?>("--images") { Description = "idx images file (.gz allowed), pixels scaled to [0, 1]." };
        var labels = new Option<string?>("--labels") { Description = "idx labels file matching --images." };
        var count = new Option<int?>("--count") { Description = "Attack only the first N images." };
        var eps = new Option<double?>("--eps") { Description = "Perturbation radius (L-infinity, or L2 for pgd-l2)." };
        var method = new Option<string>("--method") { Description = "fgsm, pgd, pgd-l2 or jsma.", DefaultValueFactory = _ => "pgd" };
        method.AcceptOnlyFromAmong("fgsm", "pgd", "pgd-l2", "jsma");
        var steps = new Option<int?>("--steps") { Description = "Gradient steps per restart (default 40; spec search 100)." };
        var restarts = new Option<int?>("--restarts") { Description = "Random restarts (default 1; spec search 64)." };
        var targeted = new Option<int?>("--targeted") { Description = "Push every image to this class instead of any wrong one." };
        var loss = new Option<string>("--loss") { Description = "ce (cross-entropy) or margin.", DefaultValueFactory = _ => "ce" };
        loss.AcceptOnlyFromAmong("ce", "margin");
        var theta = new Option<double>("--theta") { Description = "JSMA: change per chosen feature.", DefaultValueFactory = _ => 1.0 };
        var distortion = new Option<double>("--max-distortion") { Description = "JSMA: largest fraction of features changed.", DefaultValueFactory = _ => 0.1 };
        var spec = new Option<string?>("--spec") { Description = "VNN-LIB property: search for a counterexample instead." };
        var seed = CommonOptions.Seed();
        var timeout = CommonOptions.Timeout();
        var json = CommonOptions.Json();
        var command = new Command("attack", "Adversarial attacks on labelled images, or a counterexample search for a VNN-LIB property.")
        {
            model, images, labels, count, eps, method, steps, restarts, targeted, loss, theta, distortion, spec, seed, timeout, json,
        };
        var limits = ModelLimitOptions.Create();
        limits.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            string modelPath = parse.GetValue(model)!;
            string? specPath = parse.GetValue(spec);
            if (specPath is not null)
            {
                if (parse.GetValue(images) is not null || parse.GetValue(labels) is not null)
                    throw new InputException(Source, "--spec and --images/--labels are alternatives: give one");
                // Restarts run as one batch, so many are cheap; 64 x 100 falsified 41 of the 47 sat ACAS Xu instances (10 x 50: 29).
                var options = new FalsifierOptions(parse.GetValue(seed), parse.GetValue(restarts) ?? 64, parse.GetValue(steps) ?? 100,
                    CommandDeadline.Current?.AnalysisBudget ?? (parse.GetValue(timeout) is { } t ? TimeSpan.FromSeconds(t) : null));
                var network = ModelLoader.Load(modelPath, limits.Read(parse, Math.Max(1, options.Restarts)));
                return Task.FromResult(SearchSpec(network, Core.Specifications.VnnLib.VnnLibParser.Parse(specPath), options, parse.GetValue(json), cancellation));
            }
            string imagesPath = parse.GetValue(images) ?? throw new InputException(Source, "give --images and --labels, or --spec");
            string labelsPath = parse.GetValue(labels) ?? throw new InputException(Source, "--images needs --labels");
            string methodName = parse.GetValue(method)!;
            double epsilon = parse.GetValue(eps) ?? (methodName == "jsma" ? 0 : throw new InputException(Source, $"--eps is required for {methodName}"));
            var data = IdxReader.ReadDataset(imagesPath, labelsPath);
            if (parse.GetValue(count) is { } n)
                data = n > 0 ? data.Take(n) : throw new InputException(Source, $"--count must be positive, got {n}");
            var graph = ModelLoader.Load(modelPath, limits.Read(parse, Math.Max(1, data.Count))); // every image is attacked in one batch
            if (data.ImageSize != graph.InputShape.ElementCount)
                throw new InputException(modelPath, $"the model takes {graph.InputShape.ElementCount} inputs, the images have {data.ImageSize} pixels");
            var run = new ImageAttack(methodName, epsilon, parse.GetValue(steps), parse.GetValue(restarts), parse.GetValue(targeted),
                parse.GetValue(loss) == "margin" ? AttackLoss.Margin : AttackLoss.CrossEntropy, parse.GetValue(theta), parse.GetValue(distortion), parse.GetValue(seed));
            var labelValues = data.Labels.Select(l => (int)l).ToArray();
            var result = Attacked(modelPath, () => run.Execute(graph, data.ToFloat32(), labelValues, cancellation));
            Report(modelPath, run, result, parse.GetValue(json));
            return Task.FromResult(ExitCodes.Holds);
        });
        return command;
    }

    /// <summary>The attack the options describe.</summary>
    private sealed record ImageAttack(string Method, double Epsilon, int? Steps, int? Restarts, int? Target, AttackLoss Loss, double Theta, double MaxDistortion, int Seed)
    {
        public AttackResult Execute(NetworkGraph graph, float[] images, int[] labels, CancellationToken cancellation)
        {
            if (Method == "jsma")
                return Jsma.Run(graph, images, labels, new JsmaOptions { Theta = Theta, MaxDistortion = MaxDistortion, TargetClass = Target }, cancellation);
            var options = new AttackOptions(Epsilon)
            {
                Norm = Method == "pgd-l2" ? Norm.L2 : Norm.Linf, Steps = Steps ?? 40, Restarts = Restarts ?? 1, TargetClass = Target, Loss = Loss, Seed = Seed,
            };
            return Method == "fgsm" ? Fgsm.Run(graph, images, labels, options, cancellation) : Pgd.Run(graph, images, labels, options, cancellation);
        }

        public string Describe() => Method switch
        {
            "jsma" => $"jsma (theta {Theta.ToString(CultureInfo.InvariantCulture)}, max distortion {MaxDistortion.ToString(CultureInfo.InvariantCulture)})",
            "fgsm" => $"fgsm (eps {Epsilon.ToString(CultureInfo.InvariantCulture)})",
            _ => $"{Method} (eps {Epsilon.ToString(CultureInfo.InvariantCulture)}, {Steps ?? 40} steps, {Restarts ?? 1} restart(s), seed {Seed})",
        } + (Target is { } t ? $", targeted at class {t}" : "");
    }

    /// <summary>Turns the attacks' argument checks and missing gradients into bad-input errors.</summary>
    private static T Attacked<T>(string modelPath, Func<T> attack)
    {
        try { return attack(); }
        catch (NotSupportedException e) { throw new InputException(modelPath, $"cannot attack this model: {e.Message}"); }
        catch (ArgumentException e) { throw new InputException(Source, e.Message); }
    }

    private static void Report(string modelPath, ImageAttack run, AttackResult result, bool json) => Output.Answer(() =>
    {
        if (json)
        {
            Output.Print(new ImageReport(modelPath, result.Method, run.Method == "jsma" ? null : run.Epsilon, result.Count, result.CleanAccuracy,
                result.RobustAccuracy, result.Attacked, result.Succeeded, result.SuccessRate, result.Elapsed.TotalSeconds));
            return;
        }
        Console.WriteLine($"model     {modelPath}");
        Console.WriteLine($"attack    {run.Describe()}");
        Console.WriteLine($"images    {result.Count}");
        Console.WriteLine($"clean     {result.CleanAccuracy:P2} correctly classified");
        Console.WriteLine($"robust    {result.RobustAccuracy:P2} correct and not broken (an upper bound: attacks prove nothing)");
        Console.WriteLine($"success   {result.SuccessRate:P2} of {result.Attacked} attacked images ({result.Succeeded} confirmed in float32 and float64)");
        Console.WriteLine($"time      {result.Elapsed.TotalSeconds:F2} s");
    });

    private static int SearchSpec(NetworkGraph graph, SafetyProperty property, FalsifierOptions options, bool json, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        Witness? witness = null;
        var falsifier = new SpecMarginPgd();
        for (int c = 0; c < property.Cases.Count && witness is null; c++)
        {
            var remaining = options.Budget is { } budget ? budget - clock.Elapsed : (TimeSpan?)null;
            if (remaining <= TimeSpan.Zero) break;
            var candidate = Attacked(graph.Source, () => falsifier.Search(graph, property.Cases[c], options with { Budget = remaining }, cancellation));
            if (candidate is not null) witness = WitnessCheck.Validate(graph, property, candidate, out _);
        }
        var verdict = witness is not null ? Verdict.Falsified : clock.Elapsed >= options.Budget ? Verdict.Timeout : Verdict.Unknown;
        Output.Answer(() => PrintSpecResult(graph, property, verdict, witness, clock.Elapsed, json));
        return ExitCodes.For(verdict);
    }

    private static void PrintSpecResult(NetworkGraph graph, SafetyProperty property, Verdict verdict, Witness? witness, TimeSpan elapsed, bool json)
    {
        if (json)
            Output.Print(new SpecReport(graph.Source, property.Source, verdict.VnnComp(), witness?.Input, witness?.OutputFloat32, witness?.OutputFloat64, elapsed.TotalSeconds));
        else
        {
            Console.WriteLine(verdict.VnnComp());
            if (witness is not null)
            {
                Console.WriteLine("witness (re-executed at zero tolerance in float32 and float64):");
                for (int i = 0; i < witness.Input.Length; i++) Console.WriteLine($"  X_{i} = {witness.Input[i].ToString("R", CultureInfo.InvariantCulture)}");
                for (int j = 0; j < witness.OutputFloat32.Length; j++) Console.WriteLine($"  Y_{j} = {witness.OutputFloat32[j].ToString("R", CultureInfo.InvariantCulture)}");
            }
            Console.WriteLine($"time {elapsed.TotalSeconds:F2} s");
        }
    }

    private sealed record ImageReport(string Model, string Method, double? Epsilon, int Images, double CleanAccuracy, double RobustAccuracy,
        int Attacked, int Succeeded, double SuccessRate, double Seconds);

    private sealed record SpecReport(string Model, string Property, string Result, double[]? Witness, double[]? OutputFloat32, double[]? OutputFloat64, double Seconds);
}
