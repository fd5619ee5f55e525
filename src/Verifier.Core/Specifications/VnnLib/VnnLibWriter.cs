using System.Text;
using Verifier.Core.IO;
using Verifier.Core.Numerics;

namespace Verifier.Core.Specifications.VnnLib;

/// <summary>
/// Writes a <see cref="SafetyProperty"/> as VNN-LIB (the subset <see cref="VnnLibParser"/> reads), with every
/// literal as its exact decimal expansion, so other tools verify exactly the property this one did.
/// </summary>
public static class VnnLibWriter
{
    public static void Write(string path, SafetyProperty property) => AtomicFile.WriteAllText(path, Format(property));

    public static string Format(SafetyProperty property)
    {
        var sb = new StringBuilder($"; {property.Source}\n");
        for (int i = 0; i < property.InputCount; i++) sb.Append($"(declare-const X_{i} Real)\n");
        for (int j = 0; j < property.OutputCount; j++) sb.Append($"(declare-const Y_{j} Real)\n");
        if (property.Cases.Count == 1)
        {
            // One box: plain asserts, then the unsafe output clauses (none means unsafe anywhere in the box).
            var c = property.Cases[0];
            foreach (var atom in BoxAtoms(c.Box)) sb.Append($"(assert {atom})\n");
            var clauses = c.Clauses.Select(cl => cl.Rows.Select(RowAtom).ToList()).ToList();
            if (clauses.Count > 0 && clauses.All(rows => rows.Count > 0))
                sb.Append("(assert (or\n").AppendJoin("", clauses.Select(rows => $"  (and {string.Join(" ", rows)})\n")).Append("))\n");
            return sb.ToString();
        }
        sb.Append("(assert (or\n");
        foreach (var c in property.Cases)
        {
            var box = string.Join(" ", BoxAtoms(c.Box));
            if (c.Clauses.Count == 0 || c.Clauses.Any(cl => cl.Rows.Count == 0)) sb.Append($"  (and {box})\n");
            else foreach (var cl in c.Clauses) sb.Append($"  (and {box} {string.Join(" ", cl.Rows.Select(RowAtom))})\n");
        }
        return sb.Append("))\n").ToString();
    }

    private static IEnumerable<string> BoxAtoms(InputBox box) =>
        Enumerable.Range(0, box.Dimension).SelectMany(i => new[] { $"(>= X_{i} {Decimal(box.Lower[i].Exact)})", $"(<= X_{i} {Decimal(box.Upper[i].Exact)})" });

    /// <summary>A row as one VNN-LIB atom; only the forms the format can state (Y_i vs number, Y_i vs Y_j).</summary>
    private static string RowAtom(OutputConstraint row)
    {
        var terms = row.Coefficients.Where(kv => !kv.Value.Exact.Numerator.IsZero).OrderByDescending(kv => kv.Value.Exact).ToList();
        var one = new Rational(1, 1);
        return terms switch
        {
            [var t] when t.Value.Exact == one => $"(<= Y_{t.Key} {Decimal(row.Bound.Exact)})",
            [var t] when t.Value.Exact == -one => $"(>= Y_{t.Key} {Decimal(-row.Bound.Exact)})",
            [var p, var n] when p.Value.Exact == one && n.Value.Exact == -one && row.Bound.Exact == Rational.Zero => $"(<= Y_{p.Key} Y_{n.Key})",
            _ => throw new NotSupportedException($"the output constraint {string.Join(" + ", terms.Select(t => $"{t.Value.Exact}*Y_{t.Key}"))} <= {row.Bound.Exact} has no VNN-LIB 1.0 atom"),
        };
    }

    /// <summary>The exact decimal text of a rational whose denominator is 2^a 5^b (every parsed literal and double).</summary>
    private static string Decimal(Rational r)
    {
        var d = r.Denominator;
        int twos = 0, fives = 0;
        while (d.IsEven) { d >>= 1; twos++; }
        while ((d % 5).IsZero) { d /= 5; fives++; }
        if (!d.IsOne) throw new NotSupportedException($"{r} has no finite decimal expansion");
        var text = r.ToDecimalString(Math.Max(twos, fives));
        return text.Contains('.') ? text : text + ".0";
    }
}
