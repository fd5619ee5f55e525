using Verifier.Compute.Backends;
using Verifier.Compute.Training;
using Verifier.Compute.Training.Certified;
using Verifier.Core.Bounds;

namespace Verifier.Tests.Compute;

/// <summary>CROWN-IBP certified training: its gradient, its soundness, and its bounds against the verifier's (Core's).</summary>
public sealed class CrownIbpTrainingTests
{
    private const string Cnn = "conv:2:3:1:1,relu,conv:3:3:2:1,relu,flatten,dense:6,relu,dense:3";
    private const string CnnWithPooling = "conv:3:3:1:1,relu,maxpool:2,flatten,dense:6,relu,dense:3";
    private const string Mlp = "dense:8,relu,dense:8,relu,dense:3";
    private readonly CpuBackend _backend = new();

    private Sequential Model(string spec, int seed = 3) => Sequential.Create(_backend, [1, 6, 6], LayerSpec.ParseList(spec), 4, seed);

    private static float[] Inputs(int batch, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, batch * 36).Select(_ => (float)random.NextDouble()).ToArray();
    }

    /// <summary>Every parameter's gradient of the mixed loss against central differences, CROWN and IBP parts both weighted.</summary>
    [Theory]
    [InlineData(Cnn, 0.08)]
    [InlineData(CnnWithPooling, 0.05)]
    [InlineData(Mlp, 0.1)]
    public void LossGradientMatchesFiniteDifferences(string spec, double eps)
    {
        using var model = Model(spec);
        using var bounds = new CertifiedBounds(model, CertifiedMethod.CrownIbp);
        var x = Inputs(3, 1);
        int[] labels = [2, 0, 1];
        const double beta = 0.7;
        double Loss()
        {
            foreach (var p in model.Parameters) p.Gradient.Upload(new float[p.Length]);
            return bounds.Backward(bounds.Margins(x, labels, 3, eps, beta), labels, 3, 1f);
        }
        double atValues = Loss();
        var analytic = model.Parameters.ToDictionary(p => p, p => p.Gradient.ToArray());
        const float h = 1e-3f;
        int checkedCount = 0, kinks = 0;
        var failures = new List<string>();
        foreach (var (p, i, plus, minus) in GradientCheck.Perturbations(model, Loss, h))
        {
            double a = analytic[p][i];
            checkedCount++;
            if (GradientCheck.Close((plus - minus) / (2 * h), a)) continue;
            // The bound is piecewise smooth (neurons change stability, lower slopes switch): across a kink the
            // gradient is one side's.
            if (GradientCheck.Close((plus - atValues) / h, a) || GradientCheck.Close((atValues - minus) / h, a)) kinks++;
            else failures.Add($"{p.Name}[{i}]: finite differences {(atValues - minus) / h:G4} / {(plus - atValues) / h:G4}, analytic {a:G4}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {checkedCount}: {string.Join("; ", failures.Take(12))}");
        Assert.True(kinks <= checkedCount / 50, $"{kinks} of {checkedCount} parameters at a kink");
        Assert.True(checkedCount > 90, $"{checkedCount} parameters checked");
    }

    /// <summary>The CROWN margin bound (beta 1) never exceeds the network's margin at points of the clipped box, corners included.</summary>
    [Theory]
    [InlineData(Cnn, 0.1)]
    [InlineData(CnnWithPooling, 0.1)]
    [InlineData(Mlp, 0.2)]
    public void MarginBoundsHoldAtSampledPointsAndCorners(string spec, double eps)
    {
        using var model = Model(spec, seed: 5);
        using var bounds = new CertifiedBounds(model, CertifiedMethod.CrownIbp);
        var x = Inputs(2, 4);
        int[] labels = [1, 2];
        var margins = bounds.Margins(x, labels, 2, eps, beta: 1);
        var random = new Random(8);
        for (int trial = 0; trial < 200; trial++)
        {
            bool corner = trial % 2 == 0;
            var point = x.Select(v =>
            {
                float lo = Math.Max(0f, v - (float)eps), hi = Math.Min(1f, v + (float)eps);
                return corner ? (random.Next(2) == 0 ? lo : hi) : lo + (float)random.NextDouble() * (hi - lo);
            }).ToArray();
            var logits = model.Predict(point, 2);
            for (int s = 0; s < 2; s++)
                for (int j = 0; j < 3; j++)
                {
                    double truth = logits[s * 3 + labels[s]] - logits[s * 3 + j];
                    Assert.True(margins[s * 3 + j] <= truth + 1e-4, $"sample {s} class {j}: bound {margins[s * 3 + j]} above the margin {truth}");
                }
        }
    }

    /// <summary>
    /// Core's CROWN over Core's interval bounds (Compute in Interval mode, then SpecBounds in Crown mode) is the same
    /// CROWN-IBP in float64 with outward rounding: never looser than the training-time bound, and equal to it (up to
    /// Core's outward rounding) wherever the CROWN bound beats the interval one, except past max pooling, where Core relaxes
    /// the pooling and the training pass stops.
    /// </summary>
    [Theory]
    [InlineData(Cnn, 0.05, true)]
    [InlineData(CnnWithPooling, 0.05, false)]
    [InlineData(Mlp, 0.1, true)]
    public void MarginBoundsAgreeWithCoresCrownOnIntervalBounds(string spec, double eps, bool sameRelaxation)
    {
        using var model = Model(spec, seed: 7);
        using var bounds = new CertifiedBounds(model, CertifiedMethod.CrownIbp);
        var analyzer = new BoundAnalyzer(GraphExport.ToGraph(model));
        int agreed = 0;
        for (int sample = 0; sample < 6; sample++)
        {
            var x = Inputs(1, 20 + sample);
            int label = sample % 3;
            var ours = bounds.Margins(x, [label], 1, eps, beta: 1);
            var lo = x.Select(v => (double)Math.Max(0f, v - (float)eps)).ToArray();
            var hi = x.Select(v => (double)Math.Min(1f, v + (float)eps)).ToArray();
            var state = analyzer.Compute(lo, hi, BoundMode.Interval);
            var coefficients = new double[9];
            for (int j = 0; j < 3; j++) (coefficients[j * 3 + label], coefficients[j * 3 + j]) = (1, j == label ? 0 : -1);
            var core = analyzer.SpecBounds(state, new LinearSpec(coefficients, new double[3]), BoundMode.Crown).Lower;
            var (yl, yu) = (state.Output.Lower, state.Output.Upper);
            for (int j = 0; j < 3; j++)
            {
                if (j == label) continue;
                double interval = yl[label] - yu[j];
                // Core charges float32 rounding outward, in proportion to the terms' magnitudes, which the interval bound reflects.
                double tolerance = 1e-4 * (1 + Math.Abs(core[j]) + Math.Abs(interval));
                Assert.True(ours[j] <= core[j] + tolerance, $"sample {sample} class {j}: training {ours[j]}, Core {core[j]}");
                if (!sameRelaxation || ours[j] <= interval + tolerance) continue;
                Assert.True(Math.Abs(ours[j] - core[j]) <= tolerance, $"sample {sample} class {j}: training {ours[j]}, Core {core[j]}");
                agreed++;
            }
        }
        if (sameRelaxation) Assert.True(agreed >= 3, $"only {agreed} margins where CROWN beat the intervals");
    }

    /// <summary>On a plainly trained network CROWN-IBP's margins are tighter than IBP's on average, so a broken relaxation shows.</summary>
    [Fact]
    public void CrownIbpIsTighterThanIbpOnATrainedNetwork()
    {
        var data = TrainingTests.Synthetic(200, 3);
        using var model = Sequential.Create(_backend, [1, 8, 8], LayerSpec.ParseList("conv:4:3:2:1,relu,flatten,dense:16,relu,dense:2"), 64, 1);
        Trainer.Train(model, data, new TrainingOptions(3, 32, 1, "adam", 0.01f));
        using var bounds = new CertifiedBounds(model, CertifiedMethod.CrownIbp);
        var sample = data.Take(64);
        const double eps = 0.02;
        var crown = bounds.Margins(sample.Features, sample.Labels, 64, eps, beta: 1);
        var ibp = bounds.Margins(sample.Features, sample.Labels, 64, eps, beta: 0);
        double gain = crown.Zip(ibp, (c, i) => (double)c - i).Average();
        Assert.True(gain > 0, $"CROWN-IBP margins {crown.Average():F4} on average, IBP {ibp.Average():F4}");
    }

    /// <summary>Images the CROWN-IBP training-time bounds count as verified are verified by Core's sound CROWN bounds.</summary>
    [Fact]
    public void WhatCrownIbpTrainingCountsAsVerifiedCoreVerifies()
    {
        var data = TrainingTests.Synthetic(400, 11);
        const double eps = 0.1;
        using var model = Sequential.Create(_backend, [1, 8, 8], LayerSpec.ParseList("conv:4:3:2:1,relu,flatten,dense:8,relu,dense:2"), 64, 2);
        using (var objective = new CertifiedObjective(model, new CertifiedTrainingOptions(eps, CertifiedMethod.CrownIbp) { FinalBeta = 0.5 }))
            Trainer.Train(model, data, new TrainingOptions(6, 32, 2, "adam", 0.01f), objective: objective);
        using var bounds = new CertifiedBounds(model, CertifiedMethod.CrownIbp);
        var sample = data.Take(40);
        Assert.True(bounds.VerifiedAccuracy(sample, eps) >= 0.8, $"bound-verified {bounds.VerifiedAccuracy(sample, eps):P0}");
        var margins = bounds.Margins(sample.Features, sample.Labels, 40, eps, beta: 1);
        var analyzer = new BoundAnalyzer(GraphExport.ToGraph(model));
        int verified = 0;
        for (int s = 0; s < 40; s++)
        {
            int y = sample.Labels[s];
            if (margins[s * 2 + 1 - y] <= 0) continue;
            var centre = sample.Features.AsSpan(s * 64, 64).ToArray();
            var lo = centre.Select(v => (double)Math.Max(0f, v - (float)eps)).ToArray();
            var hi = centre.Select(v => (double)Math.Min(1f, v + (float)eps)).ToArray();
            var coefficients = new double[2];
            (coefficients[y], coefficients[1 - y]) = (1, -1);
            var core = analyzer.SpecBounds(analyzer.Compute(lo, hi, BoundMode.Crown), new LinearSpec(coefficients, [0]), BoundMode.Crown).Lower[0];
            Assert.True(core > 0, $"image {s}: training-time CROWN-IBP margin {margins[s * 2 + 1 - y]}, Core's sound bound {core}");
            verified++;
        }
        Assert.True(verified >= 20, $"{verified} of 40 images checked");
    }

    [Fact]
    public void BetaFallsFromOneWhileEpsilonRampsUp()
    {
        var options = new CertifiedTrainingOptions(0.1, CertifiedMethod.CrownIbp) { WarmupShare = 0.1, RampShare = 0.4, FinalBeta = 0.2 };
        Assert.Equal(1, options.BetaAt(0.05));
        Assert.Equal(0.6, options.BetaAt(0.3), 12);
        Assert.Equal(0.2, options.BetaAt(0.9), 12);
        Assert.Equal(0, new CertifiedTrainingOptions(0.1).BetaAt(0.05));
        Assert.Throws<ArgumentException>(() => (options with { FinalBeta = 2 }).Validate());
    }
}
