using Verifier.Compute.Backends;

namespace Verifier.Tests.Compute;

public sealed class CpuGemmTests
{
    [Theory]
    [InlineData(GemmLayout.NN, 7, 19, 300, false)]
    [InlineData(GemmLayout.NT, 33, 40, 513, true)]
    [InlineData(GemmLayout.TN, 65, 17, 9, false)]
    [InlineData(GemmLayout.NT, 128, 260, 70, false)]
    public void MatchesNaiveProduct(GemmLayout layout, int m, int n, int k, bool accumulate)
    {
        var random = new Random(1);
        var a = RandomArray(random, m * k);
        var b = RandomArray(random, k * n);
        var c = RandomArray(random, m * n);
        var expected = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? c[i * n + j] : 0;
                for (int p = 0; p < k; p++)
                {
                    double av = layout == GemmLayout.TN ? a[p * m + i] : a[i * k + p];
                    double bv = layout == GemmLayout.NT ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                }
                expected[i * n + j] = sum;
            }
        CpuGemm.Multiply(layout, m, n, k, a, 0, b, 0, c, 0, accumulate);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], c[i], 1e-3);
    }

    internal static float[] RandomArray(Random random, int length) =>
        Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
}
