using System.Diagnostics;
using Verifier.Core.Analysis;
using Verifier.Core.Graph;
using Verifier.Core.Numerics;
using Verifier.Core.Results;
using Verifier.Core.Specifications;

namespace Verifier.Compute.Attacks;

/// <summary>
/// Falsifies a VNN-LIB property case by projected sign-gradient descent on its margins. A clause (a conjunction
/// of rows c.y &lt;= b) holds iff its worst row violation max_r (c_r.y - b_r) is &lt;= 0, and the case is unsafe iff
/// the best clause holds, so the search minimises F(x) = min_k max_r (c_kr.y - b_kr) over the box; the gradient
/// is that of the active row (a subgradient of F). All restarts run as one batch (row 0 from the given start or
/// the box centre, the others uniformly at random; with a time budget, further rounds of random restarts until it
/// is spent, every other one a short wide round of <see cref="WideRestarts"/> times the restarts and
/// 1/<see cref="WideRestarts"/> of the steps, whose large sign steps reach corner-like points that long descents
/// miss), points stay float32 values inside the box, and a point is returned only once
/// <see cref="WitnessCheck"/> confirms it.
/// </summary>
public sealed class SpecMarginPgd : IFalsifier
{
    /// <summary>
    /// Restart multiplier and step divisor of the wide rounds. Measured on MNIST-FC 256x4 prop 1 eps 0.05 (sat):
    /// found in 0.15 s with 60 restarts of 10 steps, never in 10 s of rounds of 10 restarts of 50 steps.
    /// </summary>
    private const int WideRestarts = 6;

    public double[]? Search(NetworkGraph graph, PropertyCase problem, FalsifierOptions options, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var network = new BatchedNetwork(graph);
        int d = network.InputSize, c = network.OutputSize;
        if (problem.Box.Dimension != d) throw new ArgumentException($"the property has {problem.Box.Dimension} inputs, the network takes {d}");
        var rows = problem.Clauses.Select(k => k.Rows.Select(r => DenseRow.Of(r, c)).ToArray()).ToArray();
        var property = new SafetyProperty(graph.Source, d, c, [problem]);

        // The float32 points of the box: a witness must be one, since the model computes in float32.
        var lo = new float[d];
        var hi = new float[d];
        for (int i = 0; i < d; i++)
        {
            lo[i] = FloatAtOrAbove(problem.Box.Lower[i]);
            hi[i] = FloatAtOrBelow(problem.Box.Upper[i]);
            if (!(lo[i] <= hi[i])) return null;
        }

        var random = new Random(options.Seed);
        // With a time budget, rounds of fresh restarts continue until it is spent; without one, one round.
        for (int round = 0; round == 0 || (options.Budget is { } budget && clock.Elapsed < budget); round++)
        {
            bool wide = round % 2 == 1;
            int batch = Math.Max(1, options.Restarts) * (wide ? WideRestarts : 1);
            int steps = Math.Max(1, wide ? options.Steps / WideRestarts : options.Steps);
            var x = new float[batch * d];
            for (int r = 0; r < batch; r++)
                for (int i = 0; i < d; i++)
                {
                    double t = r == 0 && round == 0 ? 0.5 : random.NextDouble();
                    float start = r == 0 && round == 0 && options.Start is { } s ? (float)s[i] : (float)(lo[i] + t * ((double)hi[i] - lo[i]));
                    x[r * d + i] = Math.Clamp(start, lo[i], hi[i]);
                }
            // A case with no clause, or an empty clause, is unsafe everywhere in its box.
            if (rows.Length == 0 || rows.Any(k => k.Length == 0)) return Validated(graph, property, x.AsSpan(0, d));
            if (Descend(network, graph, property, rows, x, batch, steps, lo, hi, () => options.Budget is { } b && clock.Elapsed > b, cancellation) is { } witness)
                return witness;
        }
        return null;
    }

    /// <summary>One round: sign-gradient descent of F from every row of x, checking each point the forward pass sees.</summary>
    private static double[]? Descend(BatchedNetwork network, NetworkGraph graph, SafetyProperty property, DenseRow[][] rows, float[] x, int batch,
        int steps, float[] lo, float[] hi, Func<bool> outOfTime, CancellationToken cancellation)
    {
        int d = network.InputSize, c = network.OutputSize;
        for (int step = 0; ; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            bool last = step == steps || outOfTime();
            float[] outputs, gradient = [];
            if (last) outputs = network.Evaluate(x, batch);
            else (outputs, gradient) = network.Gradient<float>(x, batch, (_, y, seed) =>
            {
                Margin(y, rows, out var active);
                active.Coefficients.CopyTo(seed);
            });
            for (int r = 0; r < batch; r++)
                if (Margin(outputs.AsSpan(r * c, c), rows, out _) <= 0 && Validated(graph, property, x.AsSpan(r * d, d)) is { } witness)
                    return witness;
            if (last) return null;
            // Sign-gradient descent with a step that shrinks (cosine) from 2.5/steps of each coordinate's width.
            double size = Math.Min(0.5, 2.5 / steps) * 0.5 * (1 + Math.Cos(Math.PI * step / steps));
            for (int k = 0; k < x.Length; k++)
            {
                int i = k % d;
                float moved = (float)(x[k] - size * ((double)hi[i] - lo[i]) * Math.Sign(gradient[k]));
                x[k] = Math.Clamp(moved, lo[i], hi[i]);
            }
        }
    }

    // Decided against the exact bound: its double may already be rounded across it.
    private static float FloatAtOrAbove(Literal bound)
    {
        float f = Ball.InwardUp(bound.Value);
        return Rational.FromDouble(f) < bound.Exact ? MathF.BitIncrement(f) : f;
    }

    private static float FloatAtOrBelow(Literal bound)
    {
        float f = Ball.InwardDown(bound.Value);
        return Rational.FromDouble(f) > bound.Exact ? MathF.BitDecrement(f) : f;
    }

    /// <summary>F(y) = min over clauses of the worst row violation; the active clause and row are those attaining it.</summary>
    private static double Margin(ReadOnlySpan<float> y, DenseRow[][] clauses, out DenseRow active)
    {
        double best = double.PositiveInfinity;
        active = clauses[0][0];
        foreach (var clause in clauses)
        {
            double worst = double.NegativeInfinity;
            var worstRow = clause[0];
            foreach (var row in clause)
            {
                double v = row.Violation(y);
                if (v > worst) { worst = v; worstRow = row; }
            }
            if (worst < best) { best = worst; active = worstRow; }
        }
        return best;
    }

    private static double[]? Validated(NetworkGraph graph, SafetyProperty property, ReadOnlySpan<float> point)
    {
        var candidate = new double[point.Length];
        for (int i = 0; i < point.Length; i++) candidate[i] = point[i];
        return WitnessCheck.Validate(graph, property, candidate, out _) is not null ? candidate : null;
    }

    /// <summary>One output row c.y &lt;= b with dense float32 coefficients (the gradient seed) and its violation.</summary>
    private sealed record DenseRow(float[] Coefficients, OutputConstraint Row)
    {
        public static DenseRow Of(OutputConstraint row, int outputs)
        {
            var dense = new float[outputs];
            foreach (var (j, coefficient) in row.Coefficients)
            {
                if (j < 0 || j >= outputs) throw new ArgumentException($"the property reads output {j}, the network has {outputs}");
                dense[j] = (float)coefficient.Value;
            }
            return new DenseRow(dense, row);
        }

        /// <summary>c.y - b in double: &gt; 0 means the row does not hold.</summary>
        public double Violation(ReadOnlySpan<float> y)
        {
            double s = 0;
            foreach (var (j, coefficient) in Row.Coefficients) s += coefficient.Value * y[j];
            return s - Row.Bound.Value;
        }
    }
}
