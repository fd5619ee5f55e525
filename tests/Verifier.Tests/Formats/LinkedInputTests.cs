using Verifier.Core.Specifications.VnnLib;
using Verifier.Formats;
using Verifier.Tests.Support;

namespace Verifier.Tests.Formats;

/// <summary>Inputs reached through symbolic links load like the files they point to (size limits use the target's size).</summary>
public sealed class LinkedInputTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Link(string name, string target)
    {
        var path = _temp.Path(name);
        File.CreateSymbolicLink(path, target);
        return path;
    }

    [Theory]
    [InlineData("onnx", "ACASXU_run2a_1_1_batch_2000.onnx")]
    [InlineData("nnet", "ACASXU_run2a_1_1_batch_2000.nnet")]
    public void ModelsLoadThroughALink(string folder, string file)
    {
        var target = SharedData.Benchmarks("acasxu", folder, file);
        var linked = ModelLoader.Load(Link("model." + folder, target));
        Assert.Equal(ModelLoader.Load(target).Nodes.Count, linked.Nodes.Count);
    }

    [Fact]
    public void ALinkToALinkLoadsTheFinalTarget()
    {
        var first = Link("first.onnx", SharedData.Benchmarks("acasxu", "onnx", "ACASXU_run2a_1_1_batch_2000.onnx"));
        Assert.NotNull(ModelLoader.Load(Link("second.onnx", first)));
    }

    [Fact]
    public void PropertiesParseThroughALink() =>
        Assert.Equal(5, VnnLibParser.Parse(Link("p.vnnlib", SharedData.Benchmarks("acasxu", "vnnlib", "prop_1.vnnlib"))).InputCount);

    [Fact]
    public void ADanglingLinkIsAnInputError() =>
        Assert.Throws<Verifier.Core.Errors.InputException>(() => ModelLoader.Load(Link("gone.onnx", _temp.Path("missing.onnx"))));
}
