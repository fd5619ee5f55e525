using Verifier.Dlv.Network;
using Verifier.Formats;
using Verifier.Formats.Idx;
using Verifier.Tests.Support;

namespace Verifier.Tests.Dlv;

/// <summary>The DLV paper's two networks and the MNIST test set, loaded once per test run.</summary>
public static class PaperNetworks
{
    private static readonly Lazy<LayeredNetwork> TwoDCurveNet = new(() => LayeredNetwork.From(ModelLoader.Load(SharedData.Benchmarks("dlv", "twoDcurve.onnx"))));
    private static readonly Lazy<LayeredNetwork> MnistNet = new(() => LayeredNetwork.From(ModelLoader.Load(SharedData.Benchmarks("dlv", "mnist_cnn.onnx"))));
    private static readonly Lazy<IdxDataset> MnistTest = new(() => IdxReader.ReadDataset(
        SharedData.Path("data", "mnist", "t10k-images-idx3-ubyte.gz"), SharedData.Path("data", "mnist", "t10k-labels-idx1-ubyte.gz")));

    public static LayeredNetwork TwoDCurve => TwoDCurveNet.Value;
    public static LayeredNetwork Mnist => MnistNet.Value;
    public static IdxDataset MnistTestSet => MnistTest.Value;
    public static double[] MnistImage(int index) => DatasetImages.Image(MnistTestSet, index, "t10k");

    /// <summary>The point hard-coded in the original code's main.py.</summary>
    public static readonly double[] CurvePoint = [3.58747339, 1.11101673];
}
