using System.Globalization;
using Verifier.Core.Numerics;

namespace Verifier.Core.Specifications.VnnLib;

/// <summary>An operand of a comparison: a declared variable X_i / Y_j, or a numeric literal.</summary>
internal readonly record struct Term(char Kind, int Index, Literal Value, SourcePosition Position)
{
    public const char Input = 'X', Output = 'Y', Number = '#';
    public bool IsNumber => Kind == Number;
    public override string ToString() => IsNumber ? Value.ToString() : $"{Kind}_{Index}";
}

/// <summary>Lexical rules for VNN-LIB names and numbers.</summary>
internal static class VnnLibSyntax
{
    /// <summary>Recognises X_i / Y_j with a canonical decimal index (no sign, no leading zeros).</summary>
    public static bool TryParseVariable(string name, out char kind, out int index)
    {
        kind = name.Length > 0 ? name[0] : '\0';
        index = -1;
        if (name.Length < 3 || kind is not (Term.Input or Term.Output) || name[1] != '_') return false;
        var digits = name.AsSpan(2);
        if ((digits.Length > 1 && digits[0] == '0') || digits.Length > 9) return false;
        foreach (var c in digits) if (!char.IsAsciiDigit(c)) return false;
        index = int.Parse(digits, CultureInfo.InvariantCulture);
        return true;
    }

    public static bool LooksNumeric(string text) =>
        text.Length > 0 && (char.IsAsciiDigit(text[0]) || (text.Length > 1 && text[0] is '-' or '+' or '.' && (char.IsAsciiDigit(text[1]) || text[1] == '.')));

    /// <summary>
    /// Parses a decimal literal exactly, with the double that Python's float() (the organisers' checker) gives.
    /// </summary>
    public static Literal ParseNumber(string text, SourcePosition at, string source)
    {
        if (!Rational.TryParseDecimal(text, out var exact)
            || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw at.Error(source, $"'{text}' is not a valid number");
        if (!double.IsFinite(value)) throw at.Error(source, $"'{text}' is outside the range of double precision");
        return new Literal(exact, value);
    }

    public static Literal Negate(Literal l) => new(-l.Exact, -l.Value);
}
