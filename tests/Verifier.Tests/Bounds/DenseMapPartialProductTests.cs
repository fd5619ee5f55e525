using Verifier.Core.Bounds;

namespace Verifier.Tests.Bounds;

/// <summary>The products the alpha gradient's forward pass uses: selected outputs, column updates (dense and sparse), many rows at once.</summary>
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

    [Theory]
    [InlineData(37, 23)]
    [InlineData(8, 4)]
    [InlineData(3, 1)]
    public void TransposedProductsAddEveryRowsShareToWhatIsThere(int inputs, int outputs)
    {
        var random = new Random(inputs + outputs);
        var (map, weight) = RandomMap(random, inputs, outputs);
        var lambdaOut = Enumerable.Range(0, outputs).Select(o => o % 3 == 1 ? 0 : random.NextDouble() - 0.5).ToArray();
        var lambdaIn = Enumerable.Range(0, inputs).Select(_ => random.NextDouble()).ToArray();
        var expected = lambdaIn.Select((v, i) => v + Enumerable.Range(0, outputs).Sum(o => lambdaOut[o] * weight[o * inputs + i])).ToArray();
        map.AccumulateTranspose(lambdaOut, lambdaIn);
        for (int i = 0; i < inputs; i++) Assert.Equal(expected[i], lambdaIn[i], 1e-12);
        var y = new double[outputs];
        map.Multiply(lambdaIn, y, absolute: true);
        for (int o = 0; o < outputs; o++)
            Assert.Equal(lambdaIn.Select((v, i) => v * Math.Abs(weight[o * inputs + i])).Sum(), y[o], 1e-12);
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

    [Fact]
    public void SparseProductsSkipWhatIsMarkedAndColumnUpdatesGiveTheProductAtTheMovedPoint()
    {
        // A random sparse map (some inputs feed many outputs, some none, an output may repeat an input).
        var random = new Random(8);
        const int inputs = 30, outputs = 50;
        var rowStart = new List<int> { 0 };
        var index = new List<int>();
        for (int k = 0; k < outputs; k++)
        {
            for (int e = random.Next(5); e > 0; e--) index.Add(random.Next(inputs / 2) * 2);
            rowStart.Add(index.Count);
        }
        var weight = index.Select(_ => random.NextDouble() - 0.5).ToArray();
        var map = new SparseMap(inputs, [.. rowStart], [.. index], weight, new double[outputs], 0);
        var dense = new double[outputs * inputs];
        for (int k = 0; k < outputs; k++)
            for (int e = rowStart[k]; e < rowStart[k + 1]; e++) dense[k * inputs + index[e]] += weight[e];
        var x = Enumerable.Range(0, inputs).Select(_ => random.NextDouble()).ToArray();
        var skip = Enumerable.Range(0, outputs).Select(o => o % 3 == 0).ToArray();
        var some = Enumerable.Repeat(-7.0, outputs).ToArray();
        map.MultiplySome(x, some, skip);
        var y = new double[outputs];
        map.Multiply(x, y, absolute: false);
        var full = Product(dense, x, outputs);
        for (int o = 0; o < outputs; o++)
        {
            Assert.Equal(full[o], y[o], 1e-12);
            Assert.Equal(skip[o] ? -7.0 : full[o], some[o], 1e-12);
        }
        for (int round = 0; round < 3; round++)
        {
            var moved = (double[])x.Clone();
            int[] changed = [0, 1, 2 * round + 4, 29];
            foreach (int i in changed) moved[i] = random.NextDouble() * 3 - 1;
            Assert.True(map.TryAddColumns(changed, changed.Select(i => moved[i] - x[i]).ToArray(), y));
            var expected = Product(dense, moved, outputs);
            for (int o = 0; o < outputs; o++) Assert.Equal(expected[o], y[o], 1e-12);
            x = moved;
        }
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
