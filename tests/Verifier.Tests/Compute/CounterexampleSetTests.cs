using Verifier.Compute.Training;
using Verifier.Core.Errors;
using Verifier.Core.Results;
using Verifier.Tests.Support;

namespace Verifier.Tests.Compute;

public sealed class CounterexampleSetTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static LabelledData Read(string source, out int skipped) => CounterexampleSet.Read([source], [3], 2, out skipped);

    [Fact]
    public void DescriptionsWithoutALabelAreSkippedAndCounted()
    {
        _temp.Write("a.json", """{ "label": 1, "witness": { "input": [0.25, 0.5, 0.75] } }""");
        _temp.Write("b.json", """{ "label": null, "witness": { "input": [0, 0, 0] } }""");
        var data = Read(_temp.Root, out int skipped);
        Assert.Equal(1, skipped);
        Assert.Equal([1], data.Labels);
        Assert.Equal([0.25f, 0.5f, 0.75f], data.Features);
    }

    [Fact]
    public void AResultFileTakesItsLabelAfterAColon()
    {
        var path = _temp.Path("x.counterexample");
        ResultFile.Write(path, Verdict.Falsified, [0.1, 0.2, 0.3], [1, 0]);
        var data = Read($"{path}:0", out _);
        Assert.Equal([0], data.Labels);
        Assert.Equal([0.1f, 0.2f, 0.3f], data.Features);
    }

    [Theory]
    [InlineData("bad.json", "{ \"label\": 1, \"witness\": { \"input\": [0.1, \"x\", 0.3] } }")]
    [InlineData("short.json", "{ \"label\": 1, \"witness\": { \"input\": [0.1] } }")]
    [InlineData("class.json", "{ \"label\": 5, \"witness\": { \"input\": [0.1, 0.2, 0.3] } }")]
    [InlineData("broken.json", "{ \"label\": 1, ")]
    [InlineData("huge.json", "{ \"label\": 1, \"witness\": { \"input\": [1e300, 0, 0] } }")]
    public void MalformedDescriptionsAreInputErrorsNamingTheFile(string name, string text)
    {
        var path = _temp.Write(name, text);
        var e = Assert.Throws<InputException>(() => Read(path, out _));
        Assert.Contains(name, e.Message);
    }

    [Fact]
    public void AnUnsatResultFileOrAMissingPathIsAnInputError()
    {
        var path = _temp.Path("u.counterexample");
        ResultFile.Write(path, Verdict.Verified);
        Assert.Throws<InputException>(() => Read($"{path}:1", out _));
        Assert.Throws<InputException>(() => Read(_temp.Path("missing"), out _));
        Assert.Throws<InputException>(() => Read(_temp.Root, out _));
    }
}
