using Verifier.Core.Evaluation;
using Verifier.Core.Graph;
using Verifier.Core.Specifications;

namespace Verifier.Core.Analysis;

/// <summary>
/// Seeded uniform sampling of the input box (corners and centre first), evaluated in float32 in batches.
/// The cheapest falsifier: no gradients, so it works on every network the evaluator runs.
/// </summary>
public sealed class RandomSamplingFalsifier : IFalsifier
{
    private const int BatchSize = 256;

    public double[]? Search(NetworkGraph graph, PropertyCase problem, FalsifierOptions options, CancellationToken cancellation)
    {
        var box = problem.Box;
        int n = box.Dimension, outputs = graph.OutputShape.ElementCount;
        var random = new Random(options.Seed);
        var deadline = options.Budget is { } b ? DateTime.UtcNow + b : DateTime.MaxValue;
        int total = Math.Max(1, options.Restarts * options.Steps);
        var inputs = new float[BatchSize * n];
        for (int done = 0; done < total && DateTime.UtcNow < deadline; done += BatchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            int count = Math.Min(BatchSize, total - done);
            for (int s = 0; s < count; s++)
                for (int i = 0; i < n; i++)
                {
                    double lo = box.Lower[i].Value, hi = box.Upper[i].Value;
                    double t = done + s == 0 ? 0.5 : random.NextDouble();
                    inputs[s * n + i] = (float)Math.Clamp(lo + t * (hi - lo), lo, hi);
                }
            var y = Evaluator.EvaluateBatch(graph, inputs[..(count * n)], count);
            for (int s = 0; s < count; s++)
            {
                var ys = Array.ConvertAll(y[(s * outputs)..((s + 1) * outputs)], v => (double)v);
                if (problem.Clauses.Count == 0 || problem.Clauses.Any(c => c.Rows.All(r => r.Slack(ys) >= 0)))
                    return Array.ConvertAll(inputs[(s * n)..((s + 1) * n)], v => (double)v);
            }
        }
        return null;
    }
}
