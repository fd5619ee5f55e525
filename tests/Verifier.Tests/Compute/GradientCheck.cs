using Verifier.Compute.Training;

namespace Verifier.Tests.Compute;

/// <summary>Finite differences of a loss in every parameter of a model, for gradient checks.</summary>
internal static class GradientCheck
{
    /// <summary>The loss with each parameter value in turn moved by +h and by -h (restored afterwards).</summary>
    public static IEnumerable<(Parameter Parameter, int Index, double Plus, double Minus)> Perturbations(Sequential model, Func<double> loss, float h)
    {
        foreach (var p in model.Parameters)
        {
            var values = p.Value.ToArray();
            for (int i = 0; i < values.Length; i++)
            {
                p.Value.Upload([values[i] + h], i);
                double plus = loss();
                p.Value.Upload([values[i] - h], i);
                double minus = loss();
                p.Value.Upload([values[i]], i);
                yield return (p, i, plus, minus);
            }
        }
    }

    public static bool Close(double numeric, double analytic) => Math.Abs(numeric - analytic) <= 3e-3 + 2e-2 * Math.Abs(numeric);
}
