using System.Globalization;
using System.Text;
using Verifier.Core.Errors;
using Verifier.Core.IO;
using Verifier.Core.Numerics;
using Verifier.Core.Specifications.VnnLib;

namespace Verifier.Core.Results;

/// <summary>
/// A VNN-COMP result file as read back: the verdict and, for "sat", the witness if one was given, its inputs also
/// as the exact values written (null when one is not a finite number).
/// </summary>
public sealed record ResultFileContent(Verdict Verdict, double[]? Inputs, double[]? Outputs, IReadOnlyList<Rational>? WrittenInputs = null);

/// <summary>
/// VNN-COMP result files: the first word (sat, unsat, unknown, timeout, error; 2021: holds, violated) and for
/// sat the witness ((X_0 v) ... (Y_0 w) ...). Values are written with 17 significant digits (round-trip exact), and every written
/// file is read back and compared bit for bit, so what the organisers re-execute is exactly what was checked.
/// </summary>
public static class ResultFile
{
    /// <summary>Writes the verdict; for "sat" the witness input and the float32 outputs (what onnxruntime computes).</summary>
    public static void Write(string path, Verdict verdict, Witness? witness = null) =>
        Write(path, verdict, witness?.Input, witness?.OutputFloat32);

    /// <summary>Writes atomically, then verifies the file reads back to the same verdict and bit-identical values.</summary>
    public static void Write(string path, Verdict verdict, double[]? inputs, double[]? outputs)
    {
        AtomicFile.WriteAllText(path, Format(verdict, inputs, outputs));
        var back = Read(path);
        bool same = back.Verdict == verdict && BitEqual(back.Inputs, inputs) && BitEqual(back.Outputs, outputs);
        if (!same) throw new InvalidOperationException($"{path}: the result file does not read back to what was written");
    }

    public static string Format(Verdict verdict, double[]? inputs, double[]? outputs)
    {
        if (verdict != Verdict.Falsified)
        {
            if (inputs is not null || outputs is not null) throw new ArgumentException($"only a 'sat' result carries a witness, not '{verdict.VnnComp()}'");
            return verdict.VnnComp() + "\n";
        }
        if (inputs is not { Length: > 0 } || outputs is null) throw new ArgumentException("a 'sat' result needs its witness inputs and outputs");
        var sb = new StringBuilder("sat\n(");
        Append(sb, 'X', inputs);
        Append(sb, 'Y', outputs);
        sb[^1] = ')';
        return sb.Append('\n').ToString();
    }

    private static void Append(StringBuilder sb, char name, double[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i])) throw new ArgumentException($"witness value {name}_{i} is {values[i]}, not finite");
            sb.Append('(').Append(name).Append('_').Append(i).Append(' ')
              .Append(values[i].ToString("G17", CultureInfo.InvariantCulture)).Append(")\n");
        }
    }

    /// <summary>Larger than any real witness (150,000 inputs take about 5 MB).</summary>
    public const long MaxFileBytes = 256L << 20;

    public static ResultFileContent Read(string path)
    {
        string text;
        try
        {
            long length = InputFile.Length(path);
            if (length > MaxFileBytes) throw new InputException(path, $"result file is {length} bytes, more than the limit of {MaxFileBytes}");
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, $"cannot read the result file: {e.Message}", e);
        }
        return ParseText(text, path);
    }

    /// <summary>Parses a result text; whitespace and line breaks anywhere are free, as in the organisers' checker.</summary>
    public static ResultFileContent ParseText(string text, string source)
    {
        var reader = new SExpressionReader(new VnnLibTokenizer(text, source), source, maxDepth: 3);
        if (reader.ReadNext() is not SAtom word) throw new SourcePosition(1, 1).Error(source, "the result file must start with a result word (sat, unsat, unknown, timeout, error)");
        var verdict = word.Text.ToLowerInvariant() switch
        {
            "sat" or "violated" => Verdict.Falsified,
            "unsat" or "holds" => Verdict.Verified,
            "unknown" => Verdict.Unknown,
            "timeout" => Verdict.Timeout,
            "error" => Verdict.Error,
            _ => throw word.Position.Error(source, $"unknown result word '{word.Text}'"),
        };
        var witness = reader.ReadNext();
        if (witness is null) return new ResultFileContent(verdict, null, null);
        if (verdict != Verdict.Falsified) throw witness.Position.Error(source, $"unexpected text after '{word.Text}'");
        if (witness is not SList list) throw witness.Position.Error(source, "expected the witness '((X_0 value) ...)'");
        if (reader.ReadNext() is { } extra) throw extra.Position.Error(source, "unexpected text after the witness");
        var inputs = new List<double>();
        var outputs = new List<double>();
        var written = new List<Rational>();
        bool allFinite = true;
        foreach (var item in list.Items)
        {
            if (item is not SList { Items: [SAtom name, SAtom value] })
                throw item.Position.Error(source, "expected a pair (X_i value) or (Y_j value)");
            if (!VnnLibSyntax.TryParseVariable(name.Text, out char kind, out int index))
                throw name.Position.Error(source, $"expected X_i or Y_j, found '{name.Text}'");
            var target = kind == 'X' ? inputs : outputs;
            if (kind == 'X' && outputs.Count > 0) throw name.Position.Error(source, $"{name.Text} comes after the outputs");
            if (index != target.Count) throw name.Position.Error(source, $"expected {kind}_{target.Count}, found {name.Text} (indices must appear in order from 0)");
            if (!double.TryParse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                throw value.Position.Error(source, $"'{value.Text}' is not a number");
            target.Add(v);
            if (kind != 'X') continue;
            allFinite &= double.IsFinite(v);
            written.Add(Rational.TryParseDecimal(value.Text, out var exact) ? exact : double.IsFinite(v) ? Rational.FromDouble(v) : Rational.Zero);
        }
        if (inputs.Count == 0) throw list.Position.Error(source, "the witness has no input values");
        return new ResultFileContent(verdict, inputs.ToArray(), outputs.ToArray(), allFinite ? written : null);
    }

    private static bool BitEqual(double[]? a, double[]? b) =>
        a is null ? b is null : b is not null && a.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(b.Select(BitConverter.DoubleToInt64Bits));
}
