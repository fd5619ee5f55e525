using System.Diagnostics;
using Verifier.Core.Graph;

namespace Verifier.Compute.Attacks;

/// <summary>
/// Projected gradient descent (Madry et al.) in the L-infinity or L2 ball, batched: every step is one
/// forward and one backward pass over all images still unbroken. Examples are confirmed in float32 and
/// float64 as soon as the forward pass shows them, and their rows leave the batch.
/// </summary>
public static class Pgd
{
    public static AttackResult Run(NetworkGraph graph, float[] images, int[] labels, AttackOptions options, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var network = new BatchedNetwork(graph);
        options.Validate(network.OutputSize);
        var clean = CleanRun.Start(network, images, labels, options.TargetClass);
        var adversarial = new float[]?[labels.Length];
        var random = new Random(options.Seed);
        int d = network.InputSize;
        for (int restart = 0; restart < options.Restarts; restart++)
        {
            var remaining = clean.Attackable.Where(i => adversarial[i] is null).ToArray();
            if (remaining.Length == 0) break;
            var rows = new ActiveRows(remaining, images, d, o => Ball.Bounds(o, options));
            if (restart > 0 || options.RandomStart) RandomStart(rows, options, random);
            for (int step = 0; rows.Count > 0; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                if (step == options.Steps)
                {
                    rows.Harvest(network, network.Evaluate(rows.X, rows.Count), labels, options.TargetClass, (x, o) => Ball.Contains(x, o, options), adversarial);
                    break;
                }
                var (outputs, gradient) = network.Gradient<float>(rows.X, rows.Count, (r, y, s) => LossGradient.Seed(y, s, labels[rows.Images[r]], options.TargetClass, options.Loss));
                var done = rows.Harvest(network, outputs, labels, options.TargetClass, (x, o) => Ball.Contains(x, o, options), adversarial);
                Ascend(rows, gradient, options, options.StepAt(step));
                rows.Remove(done);
            }
        }
        return new AttackResult(options.Norm == Norm.L2 ? "pgd-l2" : "pgd", labels.Length, clean.CleanCorrect, clean.Attackable.Length, adversarial, clock.Elapsed);
    }

    /// <summary>One ascent step on every row (sign of the gradient for L-infinity, its direction for L2), then projection.</summary>
    private static void Ascend(ActiveRows rows, float[] gradient, AttackOptions options, double stepSize)
    {
        int d = gradient.Length / Math.Max(1, rows.Count);
        Parallel.For(0, rows.Count, r =>
        {
            var x = rows.Row(r);
            var g = gradient.AsSpan(r * d, d);
            if (options.Norm == Norm.Linf)
            {
                float step = (float)stepSize;
                for (int i = 0; i < d; i++) x[i] += g[i] > 0 ? step : g[i] < 0 ? -step : 0f;
            }
            else
            {
                double norm = Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares<float>(g));
                if (norm > 0)
                    for (int i = 0; i < d; i++) x[i] += (float)(stepSize * g[i] / norm);
            }
            Ball.Project(rows, r, options);
        });
    }

    private static void RandomStart(ActiveRows rows, AttackOptions options, Random random)
    {
        for (int r = 0; r < rows.Count; r++)
        {
            var x = rows.Row(r);
            if (options.Norm == Norm.Linf)
                for (int i = 0; i < x.Length; i++) x[i] += (float)((random.NextDouble() * 2 - 1) * options.Epsilon);
            else
            {
                var direction = new double[x.Length];
                for (int i = 0; i < x.Length; i++) direction[i] = Gaussian(random);
                double norm = Math.Sqrt(direction.Sum(v => v * v));
                double radius = options.Epsilon * random.NextDouble();
                for (int i = 0; i < x.Length; i++) x[i] += (float)(direction[i] / norm * radius);
            }
            Ball.Project(rows, r, options);
        }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

/// <summary>FGSM (Goodfellow et al.): a single signed-gradient step of size eps, no random start.</summary>
public static class Fgsm
{
    public static AttackResult Run(NetworkGraph graph, float[] images, int[] labels, AttackOptions options, CancellationToken cancellation = default) =>
        Pgd.Run(graph, images, labels, options with
        {
            Norm = Norm.Linf, Steps = 1, Restarts = 1, StepSize = options.Epsilon, Schedule = StepSchedule.Constant, RandomStart = false,
        }, cancellation) with { Method = "fgsm" };
}
