using Verifier.Core.Bounds;

namespace Verifier.Tests.Bounds;

/// <summary>The products the alpha gradient's forward pass uses: selected outputs, column updates, many rows at once.</summary>
public class DenseMapPartialProductTests
{
    private static (DenseMap Map, double[] Weight) RandomMap(Random random, int inputs, int outputs)
    {
        var weight = Enumerable.Range(0, inputs * outputs).Select(_ => random.NextDouble() - 0.5).ToArray();
        return (new DenseMap(weight, 1, inputs, outputs, new double[outputs], false, 0), weight);
    }

    private static double[] Product(double[] weight, double[] x, int outputs) =>
        Enumerable.Range(0, outputs).Select(o => x.Select((v, i) => v * weight[o * x.Length + i]).Sum()).ToArray();

    [Fact]
    public void SkippedOutputsAreLeftAndTheOthersComputed()
    {
        var random = new Random(5);
        var (map, weight) = RandomMap(random, 37, 23);
        var x = Enumerable.Range(0, 37).Select(_ => random.NextDouble()).ToArray();
        var skip = Enumerable.Range(0, 23).Select(o => o % 3 == 0).ToArray();
        var y = Enumerable.Repeat(-7.0, 23).ToArray();
        map.MultiplySome(x, y, skip);
        var expected = Product(weight, x, 23);
        for (int o = 0; o < 23; o++)
            if (skip[o]) Assert.Equal(-7.0, y[o]);
            else Assert.Equal(expected[o], y[o], 1e-12);
    }

    [Fact]
    public void ColumnUpdatesGiveTheProductAtTheMovedPoint()
    {
        var random = new Random(6);
        var (map, weight) = RandomMap(random, 41, 19);
        var x = Enumerable.Range(0, 41).Select(_ => random.NextDouble()).ToArray();
        var y = Product(weight, x, 19);
        var moved = (double[])x.Clone();
        int[] changed = [0, 7, 40];
        foreach (int i in changed) moved[i] = random.NextDouble() * 3 - 1;
        Assert.True(map.TryAddColumns(changed, changed.Select(i => moved[i] - x[i]).ToArray(), y));
        var expected = Product(weight, moved, 19);
        for (int o = 0; o < 19; o++) Assert.Equal(expected[o], y[o], 1e-12);
    }

    [Theory]
    [InlineData(3)] // below the GEMM kernel's four rows: one product per row
    [InlineData(9)]
    public void ManyRowsGiveEachRowsProduct(int rows)
    {
        var random = new Random(7);
        var (map, weight) = RandomMap(random, 29, 13);
        var x = Enumerable.Range(0, rows * 29).Select(_ => random.NextDouble() - 0.5).ToArray();
        var y = Enumerable.Repeat(double.NaN, rows * 13).ToArray();
        map.MultiplyRows(x, y, rows);
        for (int r = 0; r < rows; r++)
        {
            var expected = Product(weight, x.AsSpan(r * 29, 29).ToArray(), 13);
            for (int o = 0; o < 13; o++) Assert.Equal(expected[o], y[r * 13 + o], 1e-12);
        }
    }
}
