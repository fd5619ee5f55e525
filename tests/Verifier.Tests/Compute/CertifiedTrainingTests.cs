using Verifier.Compute.Attacks;
using Verifier.Compute.Backends;
using Verifier.Compute.Training;
using Verifier.Compute.Training.Certified;
using Verifier.Complete;
using Verifier.Core.Bounds;
using Verifier.Core.Results;
using Verifier.Core.Specifications;
using Verifier.Smt;

namespace Verifier.Tests.Compute;

/// <summary>Certified (IBP) training: its gradients, its bounds against the verifier's, and what it buys.</summary>
public sealed class CertifiedTrainingTests
{
    private const string SmallCnn = "conv:3:3:1:1,relu,maxpool:2,flatten,dense:6,relu,dense:3";
    private readonly CpuBackend _backend = new();

    private Sequential Model(string spec = SmallCnn, int seed = 3) => Sequential.Create(_backend, [1, 6, 6], LayerSpec.ParseList(spec), 4, seed);

    private static float[] Inputs(int batch, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, batch * 36).Select(_ => (float)random.NextDouble()).ToArray();
    }

    [Fact]
    public void BoundLossGradientsMatchFiniteDifferences()
    {
        using var model = Model();
        using var pass = new IntervalBoundPass(model);
        var x = Inputs(3, 1);
        int[] labels = [2, 0, 1];
        const double eps = 0.03;
        foreach (var p in model.Parameters) p.Gradient.Upload(new float[p.Length]);
        var (margins, elided) = pass.Margins(x, labels, 3, eps);
        pass.Backward(margins, elided, labels, 3, 1f);
        double Loss()
        {
            var (m, e) = pass.Margins(x, labels, 3, eps);
            var (dw, db) = (new float[model.Layers[^1].Parameters[0].Length], new float[3]);
            var (lower, upper) = LastInput(model, x, 3, eps);
            return e.Loss(m, lower, upper, labels, 3, 1f, dw, db, new float[3 * 6], new float[3 * 6]);
        }
        const float h = 1e-3f;
        var analytic = model.Parameters.ToDictionary(p => p, p => p.Gradient.ToArray());
        int checkedCount = 0;
        foreach (var (p, i, plus, minus) in GradientCheck.Perturbations(model, Loss, h))
        {
            double numeric = (plus - minus) / (2 * h);
            Assert.True(GradientCheck.Close(numeric, analytic[p][i]), $"{p.Name}[{i}]: finite difference {numeric}, analytic {analytic[p][i]}");
            checkedCount++;
        }
        Assert.True(checkedCount > 100);
    }

    /// <summary>Interval bounds of the last layer's input, from the layers' own interval passes.</summary>
    private static (float[] Lower, float[] Upper) LastInput(Sequential model, float[] x, int batch, double eps)
    {
        using var lower = model.Backend.Allocate<float>(x.Length);
        using var upper = model.Backend.Allocate<float>(x.Length);
        lower.Upload(x.Select(v => Math.Max(0f, v - (float)eps)).ToArray());
        upper.Upload(x.Select(v => Math.Min(1f, v + (float)eps)).ToArray());
        var h = new Interval(lower, upper);
        for (int i = 0; i < model.Layers.Count - 1; i++) h = model.Layers[i].IntervalForward(h, batch);
        int n = batch * model.Layers[^1].InputSize;
        var (l, u) = (new float[n], new float[n]);
        h.Lower.Download(l);
        h.Upper.Download(u);
        return (l, u);
    }

    [Theory]
    [InlineData(SmallCnn, 0.02)]
    [InlineData("conv:2:3:2:1,relu,conv:3:2,relu,flatten,dense:5,relu,dense:3", 0.1)]
    [InlineData("dense:8,relu,dense:8,relu,dense:3", 0.3)]
    public void TrainingBoundsAgreeWithTheVerifiersIntervalBounds(string spec, double eps)
    {
        using var model = Model(spec, seed: 7);
        var graph = GraphExport.ToGraph(model);
        var analyzer = new BoundAnalyzer(graph);
        var x = Inputs(1, 5);
        using var lower = _backend.Allocate<float>(36);
        using var upper = _backend.Allocate<float>(36);
        var lo = x.Select(v => Math.Max(0f, v - (float)eps)).ToArray();
        var hi = x.Select(v => Math.Min(1f, v + (float)eps)).ToArray();
        lower.Upload(lo);
        upper.Upload(hi);
        var h = new Interval(lower, upper);
        foreach (var layer in model.Layers) h = layer.IntervalForward(h, 1);
        var core = analyzer.Compute(lo.Select(v => (double)v).ToArray(), hi.Select(v => (double)v).ToArray(), BoundMode.Interval).Output;
        var (ours, oursUpper) = (h.Lower.ToArray(), h.Upper.ToArray());
        for (int j = 0; j < 3; j++)
        {
            double scale = 1e-4 * (1 + Math.Abs(core.Lower[j]) + Math.Abs(core.Upper[j]));
            Assert.True(Math.Abs(ours[j] - core.Lower[j]) <= scale, $"lower {j}: training {ours[j]}, verifier {core.Lower[j]}");
            Assert.True(Math.Abs(oursUpper[j] - core.Upper[j]) <= scale, $"upper {j}: training {oursUpper[j]}, verifier {core.Upper[j]}");
            Assert.True(core.Lower[j] <= ours[j] + scale && core.Upper[j] >= oursUpper[j] - scale);
        }
    }

    [Fact]
    public void ScheduleRampsEpsilonUpAndKappaDown()
    {
        var options = new CertifiedTrainingOptions(0.1) { WarmupShare = 0.1, RampShare = 0.4, FinalKappa = 0.5 };
        Assert.Equal((0.0, 1.0), options.At(0.05));
        var (eps, kappa) = options.At(0.3);
        Assert.Equal(0.05, eps, 12);
        Assert.Equal(0.75, kappa, 12);
        Assert.Equal((0.1, 0.5), options.At(0.9));
        Assert.Throws<ArgumentException>(() => new CertifiedTrainingOptions(0).Validate());
    }

    /// <summary>
    /// Certified training makes the bounds prove what plain training leaves unproven; and what the training-time
    /// bounds count as verified, the complete verifier verifies.
    /// </summary>
    [Fact]
    public void CertifiedTrainingIsProvenByTheVerifier()
    {
        var data = TrainingTests.Synthetic(400, 11);
        const double eps = 0.1;
        const string spec = "conv:4:3,relu,maxpool:2,flatten,dense:8,relu,dense:2";
        double Verified(bool certified, out Sequential trained)
        {
            var model = Sequential.Create(_backend, [1, 8, 8], LayerSpec.ParseList(spec), 64, 2);
            using var objective = certified ? new CertifiedObjective(model, new CertifiedTrainingOptions(eps)) : null;
            Trainer.Train(model, data, new TrainingOptions(6, 32, 2, "adam", 0.01f), objective: objective);
            using var bounds = new CertifiedBounds(model, CertifiedMethod.Ibp);
            trained = model;
            return bounds.VerifiedAccuracy(data.Take(100), eps);
        }
        double plain = Verified(false, out var plainModel);
        plainModel.Dispose();
        double certifiedShare = Verified(true, out var model);
        using var _ = model;
        Assert.True(certifiedShare >= 0.8 && certifiedShare > plain + 0.2, $"bound-verified: certified {certifiedShare:P0}, plain {plain:P0}");

        using var pass = new IntervalBoundPass(model);
        var sample = data.Take(8);
        var (margins, _) = pass.Margins(sample.Features, sample.Labels, 8, eps);
        var graph = GraphExport.ToGraph(model);
        int checkedImages = 0;
        for (int s = 0; s < 8 && checkedImages < 3; s++)
        {
            if (IntervalBoundPass.CountVerified(margins[(s * 2)..(s * 2 + 2)], sample.Labels.AsSpan(s, 1), 1, 2) == 0) continue;
            var centre = sample.Features.AsSpan(s * 64, 64).ToArray().Select(v => (double)v).ToArray();
            var property = RobustnessProperty.Create(centre, eps, sample.Labels[s], 2);
            var result = new CompleteVerifier(new Z3ExactSolver(), new SpecMarginPgd())
                .Verify(graph, property, new CompleteOptions { Timeout = TimeSpan.FromSeconds(30) });
            Assert.Equal(Verdict.Verified, result.Verdict);
            checkedImages++;
        }
        Assert.Equal(3, checkedImages);
    }
}
