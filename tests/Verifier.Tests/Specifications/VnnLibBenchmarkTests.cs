using System.Text.RegularExpressions;
using Verifier.Core.Numerics;
using Verifier.Core.Specifications;
using Verifier.Core.Specifications.VnnLib;
using Verifier.Tests.Support;

namespace Verifier.Tests.Specifications;

/// <summary>Every shared VNN-COMP property parses into the structure its text describes.</summary>
public class VnnLibBenchmarkTests
{
    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 1, 1, 4)]
    [InlineData(3, 1, 1, 4)]
    [InlineData(4, 1, 1, 4)]
    [InlineData(5, 1, 4, 1)]
    [InlineData(6, 2, 8, 1)]
    [InlineData(7, 1, 2, 3)]
    [InlineData(8, 1, 3, 2)]
    [InlineData(9, 1, 4, 1)]
    [InlineData(10, 1, 4, 1)]
    public void AcasXuPropertiesHaveTheirStructure(int prop, int cases, int disjuncts, int rowsPerClause)
    {
        var p = VnnLibParser.Parse(SharedData.Benchmarks("acasxu", "vnnlib", $"prop_{prop}.vnnlib"));
        Assert.Equal(5, p.InputCount);
        Assert.Equal(5, p.OutputCount);
        Assert.Equal(cases, p.Cases.Count);
        Assert.Equal(disjuncts, p.DisjunctCount);
        Assert.All(p.Cases.SelectMany(c => c.Clauses), clause => Assert.Equal(rowsPerClause, clause.Rows.Count));
        Assert.All(p.Cases, c => Assert.Equal(5, c.Box.Dimension));
    }

    [Fact]
    public void AcasXuProperty1KeepsLiteralsExact()
    {
        var p = VnnLibParser.Parse(SharedData.Benchmarks("acasxu", "vnnlib", "prop_1.vnnlib"));
        var row = Assert.Single(Assert.Single(Assert.Single(p.Cases).Clauses).Rows);
        // (>= Y_0 3.991125645861615) is -Y_0 <= -3.991125645861615.
        Assert.Equal(-1.0, Assert.Single(row.Coefficients, c => c.Key == 0).Value.Value);
        Assert.Equal(-new Rational(3991125645861615, 1_000_000_000_000_000), row.Bound.Exact);
        Assert.Equal(-3.991125645861615, row.Bound.Value);
        var box = p.Cases[0].Box;
        Assert.Equal(new Rational(679857769, 1_000_000_000), box.Upper[0].Exact);
        Assert.Equal(new Rational(3, 5), box.Lower[0].Exact);
        Assert.Equal(-new Rational(1, 2), box.Lower[4].Exact);
    }

    [Fact]
    public void AcasXuProperty6HasTwoBoxesEachWithEveryOutputClause()
    {
        var p = VnnLibParser.Parse(SharedData.Benchmarks("acasxu", "vnnlib", "prop_6.vnnlib"));
        Assert.Equal(new Rational(11140846, 100_000_000), p.Cases[0].Box.Lower[1].Exact);
        Assert.Equal(-new Rational(11140846, 100_000_000), p.Cases[1].Box.Upper[1].Exact);
        foreach (var c in p.Cases)
        {
            // (<= Y_k Y_0) for k = 1..4 is Y_k - Y_0 <= 0.
            var rows = c.Clauses.Select(cl => Assert.Single(cl.Rows)).ToList();
            Assert.Equal([1, 2, 3, 4], rows.Select(r => r.Coefficients.Single(kv => kv.Value.Value == 1).Key));
            Assert.All(rows, r => Assert.Equal(-1.0, r.Coefficients[0].Value));
            Assert.All(rows, r => Assert.Equal(Rational.Zero, r.Bound.Exact));
        }
    }

    [Fact]
    public void AcasXuProperty4PinsAnInputToAPoint()
    {
        var box = VnnLibParser.Parse(SharedData.Benchmarks("acasxu", "vnnlib", "prop_4.vnnlib")).Cases[0].Box;
        Assert.Equal(Rational.Zero, box.Lower[2].Exact);
        Assert.Equal(Rational.Zero, box.Upper[2].Exact);
    }

    [Fact]
    public void MnistFcPropertiesAreRobustnessQueries()
    {
        var files = Directory.GetFiles(SharedData.Benchmarks("mnistfc", "vnnlib"), "*.vnnlib");
        Assert.Equal(30, files.Length);
        foreach (var file in files)
        {
            var p = VnnLibParser.Parse(file);
            int label = int.Parse(Regex.Match(File.ReadLines(file).First(), @"label: (\d+)").Groups[1].Value);
            double eps = double.Parse(Regex.Match(Path.GetFileName(file), @"_([0-9.]+)\.vnnlib$").Groups[1].Value);
            Assert.Equal((784, 10, 9), (p.InputCount, p.OutputCount, p.DisjunctCount));
            var box = Assert.Single(p.Cases).Box;
            for (int i = 0; i < 784; i++)
            {
                Assert.InRange(box.Lower[i].Value, 0, 1);
                Assert.InRange(box.Upper[i].Value, box.Lower[i].Value, Math.Min(1, box.Lower[i].Value + 2 * eps + 1e-6));
            }
            // (>= Y_k Y_label) is Y_label - Y_k <= 0: one clause per other class.
            var others = p.Cases[0].Clauses.Select(c => Assert.Single(c.Rows)).Select(r =>
            {
                Assert.Equal(1.0, r.Coefficients[label].Value);
                Assert.Equal(Rational.Zero, r.Bound.Exact);
                return r.Coefficients.Single(kv => kv.Key != label && kv.Value.Value == -1).Key;
            });
            Assert.Equal(Enumerable.Range(0, 10).Where(k => k != label), others);
        }
    }

    public static TheoryData<string> SharedProperties()
    {
        var data = new TheoryData<string>();
        // All ACAS Xu forms; two MNIST-FC files stand for the other 28 of the same form.
        foreach (var (benchmark, count) in new[] { ("acasxu", 10), ("mnistfc", 2) })
            foreach (var f in Directory.GetFiles(SharedData.Benchmarks(benchmark, "vnnlib"), "*.vnnlib").Order().Take(count))
                data.Add(Path.Combine(benchmark, Path.GetFileName(f)));
        return data;
    }

    [Theory]
    [MemberData(nameof(SharedProperties))]
    public void WrittenPropertiesParseBackIdentically(string file)
    {
        var p = VnnLibParser.Parse(SharedData.Benchmarks(file.Split(Path.DirectorySeparatorChar)[0], "vnnlib", Path.GetFileName(file)));
        var again = VnnLibParser.ParseText(VnnLibWriter.Format(p), "written.vnnlib");
        Assert.Equal(PropertyText.Canonical(p), PropertyText.Canonical(again));
    }
}
