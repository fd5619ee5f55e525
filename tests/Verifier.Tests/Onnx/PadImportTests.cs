using Verifier.Core.Errors;
using Verifier.Formats;
using Verifier.Tests.Support;
using static Verifier.Formats.Onnx.OnnxProtos;

namespace Verifier.Tests.Onnx;

/// <summary>Pad nodes the tool cannot honour are refused at load, naming the node and what is wrong.</summary>
public sealed class PadImportTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public void PadsComputedByTheNetworkAreRefused() => Refused(Model(b => b.Node("Identity", [b.Ints("p0", 0, 0, 1, 1, 0, 0, 1, 1)], ["p"])
        .Node("Pad", ["x", "p"], ["y"])), "input 1 (pads) must be a constant");

    [Theory]
    [InlineData(new long[] { 0, 0, 1, 1, 0, 0, 1 }, "need a begin and an end value")]
    [InlineData(new long[] { 0, 1, 1, 0, 1, 1 }, "a rank-4 input padded on 4 axes needs 8")]
    [InlineData(new long[] { 0, 0, -3, 0, 0, 0, -2, 0 }, "gives -1 elements")]
    public void WrongPadsAreRefused(long[] pads, string why) => Refused(Model(b => b.Node("Pad", ["x", b.Ints("p", pads)], ["y"])), why);

    [Fact]
    public void FloatPadsAreRefused() => Refused(Model(b => b.Node("Pad", ["x", b.Weights("p", [8])], ["y"])), "must be a 1-D int64 tensor");

    [Fact]
    public void PadsAttributeIsRequiredBeforeOpset11() => Refused(Model(b => b.Node("Pad", ["x"], ["y"]), opset: 10), "attribute pads is required");

    [Theory]
    [InlineData("wrap", "mode='wrap' is not supported")]
    [InlineData("Constant", "mode='Constant' is not supported")]
    public void UnsupportedModesAreRefused(string mode, string why) =>
        Refused(Model(b => b.Node("Pad", ["x", b.Ints("p", 0, 0, 1, 1, 0, 0, 1, 1)], ["y"], Attribute("mode", mode)), opset: 19), why);

    [Theory]
    [InlineData("reflect", new long[] { 0, 0, -1, 0, 0, 0, 0, 0 }, "supported in mode 'constant' only")]
    [InlineData("edge", new long[] { 0, 0, 0, 0, 0, 0, 0, -2 }, "supported in mode 'constant' only")]
    [InlineData("reflect", new long[] { 0, 0, 4, 0, 0, 0, 0, 0 }, "needs pads below the axis size")]
    public void ModesThatCannotPadSoAreRefused(string mode, long[] pads, string why) =>
        Refused(Model(b => b.Node("Pad", ["x", b.Ints("p", pads)], ["y"], Attribute("mode", mode))), why);

    [Fact]
    public void ConstantValueMustBeOneFloat() =>
        Refused(Model(b => b.Node("Pad", ["x", b.Ints("p", 0, 0, 1, 1, 0, 0, 1, 1), b.Weights("v", [2])], ["y"])), "constant_value must be one float value");

    private string Model(Action<OnnxModelBuilder> body, int opset = 13)
    {
        var b = new OnnxModelBuilder(opset).Input("x", 1, 2, 4, 5);
        body(b);
        return b.Output("y").Save(_temp.Root, "pad.onnx");
    }

    /// <summary>Loading fails as bad input that names the file, the Pad node and the reason.</summary>
    private static void Refused(string path, string why)
    {
        var e = Assert.ThrowsAny<InputException>(() => ModelLoader.Load(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Matches("Pad (node )?'pad_[0-9]+'", e.Message);
        Assert.Contains(why, e.Message);
    }

    public void Dispose() => _temp.Dispose();
}
