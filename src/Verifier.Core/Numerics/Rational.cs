using System.Globalization;
using System.Numerics;

namespace Verifier.Core.Numerics;

/// <summary>
/// An exact rational number. Specification literals and float32 weights are exact rationals, so the SMT
/// encoding never rounds; doubles are only a fast view.
/// </summary>
public readonly struct Rational : IEquatable<Rational>, IComparable<Rational>
{
    public Rational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero) throw new DivideByZeroException("rational with zero denominator");
        if (denominator.Sign < 0) { numerator = -numerator; denominator = -denominator; }
        var g = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!g.IsOne && !g.IsZero) { numerator /= g; denominator /= g; }
        Numerator = numerator;
        _denominator = numerator.IsZero ? BigInteger.One : denominator;
    }

    private readonly BigInteger _denominator;

    public BigInteger Numerator { get; }

    /// <summary>Always positive; default(Rational) reads as 0/1.</summary>
    public BigInteger Denominator => _denominator.IsZero ? BigInteger.One : _denominator;

    public static Rational Zero => new(0, 1);

    /// <summary>The exact value of a finite double (every float32 and float64 is a dyadic rational).</summary>
    public static Rational FromDouble(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"{value} is not finite");
        if (value == 0) return Zero;
        long bits = BitConverter.DoubleToInt64Bits(value);
        bool negative = bits < 0;
        int exponent = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0) exponent++; else mantissa |= 1L << 52;
        exponent -= 1075;
        BigInteger num = mantissa, den = BigInteger.One;
        if (exponent > 0) num <<= exponent; else den <<= -exponent;
        return new Rational(negative ? -num : num, den);
    }

    /// <summary>Parses a decimal literal exactly: "-0.25", "1e-3", "3.5E+2", "7".</summary>
    public static bool TryParseDecimal(string text, out Rational value)
    {
        value = Zero;
        var s = text.Trim();
        int e = s.IndexOfAny(['e', 'E']);
        int exp = 0;
        if (e >= 0)
        {
            if (!int.TryParse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exp) || Math.Abs(exp) > 4000) return false;
            s = s[..e];
        }
        bool negative = s.StartsWith('-');
        if (negative || s.StartsWith('+')) s = s[1..];
        int dot = s.IndexOf('.');
        string digits = dot < 0 ? s : s.Remove(dot, 1);
        if (digits.Length == 0 || digits.Length > 4000 || !digits.All(char.IsAsciiDigit) || (dot >= 0 && s.IndexOf('.', dot + 1) >= 0)) return false;
        int fraction = dot < 0 ? 0 : s.Length - dot - 1;
        var num = BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        int scale = exp - fraction;
        var den = BigInteger.One;
        if (scale >= 0) num *= BigInteger.Pow(10, scale); else den = BigInteger.Pow(10, -scale);
        value = new Rational(negative ? -num : num, den);
        return true;
    }

    public double ToDouble() => (double)Numerator / (double)Denominator is var d && double.IsFinite(d) ? d : Fallback();

    private double Fallback() => double.Parse(ToDecimalString(40), CultureInfo.InvariantCulture);

    /// <summary>Decimal text with up to <paramref name="digits"/> fractional digits (rounded toward zero).</summary>
    public string ToDecimalString(int digits)
    {
        var integer = BigInteger.DivRem(BigInteger.Abs(Numerator), Denominator, out var rem);
        var sb = new System.Text.StringBuilder();
        if (Numerator.Sign < 0) sb.Append('-');
        sb.Append(integer.ToString(CultureInfo.InvariantCulture));
        if (!rem.IsZero && digits > 0)
        {
            sb.Append('.');
            for (int i = 0; i < digits && !rem.IsZero; i++)
            {
                rem *= 10;
                sb.Append((char)('0' + (int)BigInteger.DivRem(rem, Denominator, out rem)));
            }
        }
        return sb.ToString();
    }

    public static Rational operator +(Rational a, Rational b) => new(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);
    public static Rational operator -(Rational a, Rational b) => new(a.Numerator * b.Denominator - b.Numerator * a.Denominator, a.Denominator * b.Denominator);
    public static Rational operator *(Rational a, Rational b) => new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);
    public static Rational operator /(Rational a, Rational b) => new(a.Numerator * b.Denominator, a.Denominator * b.Numerator);
    public static Rational operator -(Rational a) => new(-a.Numerator, a.Denominator);
    public static bool operator <(Rational a, Rational b) => a.CompareTo(b) < 0;
    public static bool operator >(Rational a, Rational b) => a.CompareTo(b) > 0;
    public static bool operator <=(Rational a, Rational b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Rational a, Rational b) => a.CompareTo(b) >= 0;
    public static bool operator ==(Rational a, Rational b) => a.Equals(b);
    public static bool operator !=(Rational a, Rational b) => !a.Equals(b);

    public int CompareTo(Rational other) => (Numerator * other.Denominator).CompareTo(other.Numerator * Denominator);
    public bool Equals(Rational other) => Numerator == other.Numerator && Denominator == other.Denominator;
    public override bool Equals(object? obj) => obj is Rational r && Equals(r);
    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);
    public override string ToString() => Denominator.IsOne ? Numerator.ToString(CultureInfo.InvariantCulture) : $"{Numerator}/{Denominator}";
}
