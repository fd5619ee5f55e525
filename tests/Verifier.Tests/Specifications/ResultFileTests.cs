using Verifier.Core.Errors;
using Verifier.Core.Results;

namespace Verifier.Tests.Specifications;

public sealed class ResultFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("result-file-test").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public void SatWitnessRoundTripsBitExactly()
    {
        double[] x = [0.1, 1.0 / 3, -0.0, double.Epsilon, 1e-300, (float)0.6, -double.MaxValue];
        double[] y = [-0.01721, 12345678.901234567, 5e-324];
        var path = PathOf("sat.txt");
        ResultFile.Write(path, Verdict.Falsified, x, y);
        var back = ResultFile.Read(path);
        Assert.Equal(Verdict.Falsified, back.Verdict);
        Assert.Equal(x.Select(BitConverter.DoubleToInt64Bits), back.Inputs!.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(y.Select(BitConverter.DoubleToInt64Bits), back.Outputs!.Select(BitConverter.DoubleToInt64Bits));
        var text = File.ReadAllText(path);
        // 17 significant digits, as VNN-COMP tools print witnesses.
        Assert.StartsWith("sat\n((X_0 0.10000000000000001)\n(X_1 0.33333333333333331)\n(X_2 -0)\n", text);
        Assert.EndsWith("(Y_2 4.9406564584124654E-324))\n", text);
    }

    [Theory]
    [InlineData(Verdict.Verified, "unsat")]
    [InlineData(Verdict.Unknown, "unknown")]
    [InlineData(Verdict.Timeout, "timeout")]
    [InlineData(Verdict.Error, "error")]
    public void OtherVerdictsAreOneWord(Verdict verdict, string word)
    {
        var path = PathOf(word);
        ResultFile.Write(path, verdict);
        Assert.Equal(word + "\n", File.ReadAllText(path));
        Assert.Equal(new ResultFileContent(verdict, null, null), ResultFile.Read(path));
    }

    [Fact]
    public void WritingReplacesTheFileAndLeavesNoTemporaryFiles()
    {
        var path = PathOf("result.txt");
        File.WriteAllText(path, "stale content that is longer than the new one");
        ResultFile.Write(path, Verdict.Verified);
        Assert.Equal("unsat\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void WitnessIsRequiredExactlyForSat()
    {
        Assert.Throws<ArgumentException>(() => ResultFile.Write(PathOf("a"), Verdict.Falsified));
        Assert.Throws<ArgumentException>(() => ResultFile.Write(PathOf("b"), Verdict.Verified, [1.0], [2.0]));
        Assert.Throws<ArgumentException>(() => ResultFile.Write(PathOf("c"), Verdict.Falsified, [double.NaN], [2.0]));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void UnwritableFolderIsAnInputError()
    {
        var path = Path.Combine(_dir, "missing", "result.txt");
        Assert.Equal(path, Assert.Throws<InputException>(() => ResultFile.Write(path, Verdict.Unknown)).Source);
    }

    [Theory]
    [InlineData("sat\n( (X_0  0.5)\n(X_1\n-1e-3)  (Y_0 2) )\n", Verdict.Falsified, 2, 1)]
    [InlineData("\n  sat\r\n((X_0 1))", Verdict.Falsified, 1, 0)]
    [InlineData("sat", Verdict.Falsified, -1, -1)]
    [InlineData("violated\n", Verdict.Falsified, -1, -1)]
    [InlineData("holds", Verdict.Verified, -1, -1)]
    [InlineData("UNSAT\n", Verdict.Verified, -1, -1)]
    [InlineData("timeout", Verdict.Timeout, -1, -1)]
    public void ReaderIsTolerantLikeTheOrganisersChecker(string text, Verdict verdict, int inputs, int outputs)
    {
        var r = ResultFile.ParseText(text, "r.txt");
        Assert.Equal(verdict, r.Verdict);
        Assert.Equal(inputs, r.Inputs?.Length ?? -1);
        Assert.Equal(outputs, r.Outputs?.Length ?? -1);
        if (inputs == 2) Assert.Equal([0.5, -0.001], r.Inputs!);
    }

    [Theory]
    [InlineData("", "must start with a result word")]
    [InlineData("maybe", "unknown result word 'maybe'")]
    [InlineData("unsat\n((X_0 1))", "unexpected text after 'unsat'")]
    [InlineData("sat\n((X_1 1) (X_0 2))", "expected X_0, found X_1")]
    [InlineData("sat\n((X_0 1) (Y_0 2) (X_1 3))", "X_1 comes after the outputs")]
    [InlineData("sat\n((X_0 one))", "'one' is not a number")]
    [InlineData("sat\n((X_0 1 2))", "expected a pair")]
    [InlineData("sat\n((Y_0 1))", "the witness has no input values")]
    [InlineData("sat\n((X_0 1)) extra", "unexpected text after the witness")]
    [InlineData("sat\n((X_0 1)", "never closed")]
    public void MalformedResultFilesAreInputErrors(string text, string problem)
    {
        var e = Assert.Throws<InputException>(() => ResultFile.ParseText(text, "r.txt"));
        Assert.Equal("r.txt", e.Source);
        Assert.Contains(problem, e.Problem);
    }
}
