using Verifier.Core.Numerics;

namespace Verifier.Tests.Core;

public class RationalTests
{
    [Theory]
    [InlineData("0.25", 1, 4)]
    [InlineData("-1.5e2", -150, 1)]
    [InlineData("3.991125645861615", 3991125645861615, 1000000000000000)]
    [InlineData("1E-3", 1, 1000)]
    public void ParsesDecimalsExactly(string text, long num, long den)
    {
        Assert.True(Rational.TryParseDecimal(text, out var r));
        Assert.Equal(new Rational(num, den), r);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2.3")]
    [InlineData("abc")]
    [InlineData("1e")]
    public void RejectsMalformedDecimals(string text) => Assert.False(Rational.TryParseDecimal(text, out _));

    [Fact]
    public void DoublesConvertExactly()
    {
        float f = 0.1f;
        var r = Rational.FromDouble(f);
        Assert.Equal(13421773, (long)r.Numerator);
        Assert.Equal(134217728, (long)r.Denominator);
        Assert.Equal((double)f, r.ToDouble());
        Assert.True(Rational.FromDouble(-0.1) < Rational.Zero);
    }
}
