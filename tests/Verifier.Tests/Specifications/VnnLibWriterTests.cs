using Verifier.Core.Numerics;
using Verifier.Core.Specifications;
using Verifier.Core.Specifications.VnnLib;

namespace Verifier.Tests.Specifications;

public class VnnLibWriterTests
{
    private static void RoundTrips(SafetyProperty p) =>
        Assert.Equal(PropertyText.Canonical(p), PropertyText.Canonical(VnnLibParser.ParseText(VnnLibWriter.Format(p), "written.vnnlib")));

    [Theory]
    [InlineData("(assert (>= X_0 -0.5)) (assert (<= X_0 1e-3))")]
    [InlineData("(assert (or (and (>= X_0 0) (<= X_0 1)) (and (>= X_0 2) (<= X_0 3) (>= Y_0 Y_1))))")]
    [InlineData("(assert (or (and (>= X_0 0) (<= X_0 1) (<= Y_1 (- 7.25))) (and (>= X_0 2) (<= X_0 3) (>= Y_0 Y_1) (>= Y_0 0.1))))")]
    public void PropertiesRoundTripExactly(string asserts) =>
        RoundTrips(VnnLibParser.ParseText("(declare-const X_0 Real) (declare-const Y_0 Real) (declare-const Y_1 Real)\n" + asserts, "p.vnnlib"));

    [Fact]
    public void DoublesAreWrittenAsTheirExactDecimals()
    {
        var p = RobustnessProperty.Create([0.1], 0.0, 0, 2);
        Assert.Contains("(>= X_0 0.1000000000000000055511151231257827021181583404541015625)", VnnLibWriter.Format(p));
        RoundTrips(p);
    }

    [Fact]
    public void RowsOutsideTheVnnLibSubsetAreRefused()
    {
        var box = new InputBox([Literal.Of(0.0)], [Literal.Of(1.0)]);
        var row = new OutputConstraint(new Dictionary<int, Literal> { [0] = Literal.Of(2.0) }, Literal.Of(1.0));
        var p = new SafetyProperty("p", 1, 1, [new PropertyCase(box, [new OutputClause([row])])]);
        Assert.Throws<NotSupportedException>(() => VnnLibWriter.Format(p));
        var third = new InputBox([Literal.Of(new Rational(1, 3))], [Literal.Of(1.0)]);
        Assert.Throws<NotSupportedException>(() => VnnLibWriter.Format(p with { Cases = [new PropertyCase(third, [])] }));
    }

    [Fact]
    public void WritesFilesThatParseBack()
    {
        var p = RobustnessProperty.Create([0.25, 0.75], 0.125, 1, 3);
        var path = Path.Combine(Path.GetTempPath(), $"written-{Guid.NewGuid():N}.vnnlib");
        try
        {
            VnnLibWriter.Write(path, p);
            Assert.Equal(PropertyText.Canonical(p), PropertyText.Canonical(VnnLibParser.Parse(path)));
        }
        finally { File.Delete(path); }
    }
}
