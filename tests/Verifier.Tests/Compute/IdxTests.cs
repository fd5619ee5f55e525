using Verifier.Core.Errors;
using Verifier.Formats.Idx;
using Verifier.Tests.Support;

namespace Verifier.Tests.Compute;

public sealed class IdxTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("imgs.idx", "labels.idx")]
    [InlineData("imgs.idx.gz", "labels.idx.gz")]
    public void WrittenDatasetReadsBackIdentically(string images, string labels)
    {
        var pixels = Enumerable.Range(0, 3 * 4 * 5).Select(i => (byte)(i * 7)).ToArray();
        var data = new IdxDataset(pixels, [2, 0, 9], 3, 4, 5);
        IdxWriter.WriteDataset(_temp.Path(images), _temp.Path(labels), data);
        var back = IdxReader.ReadDataset(_temp.Path(images), _temp.Path(labels));
        Assert.Equal((3, 4, 5), (back.Count, back.Rows, back.Cols));
        Assert.Equal(pixels, back.Pixels);
        Assert.Equal(new byte[] { 2, 0, 9 }, back.Labels);
        Assert.Equal(10, back.ClassCount);
        Assert.Equal(pixels[5] / 255f, back.ToFloat32()[5]);
        Assert.Empty(Directory.GetFiles(_temp.Root, "*.tmp"));
    }

    [Fact]
    public void LabelsFileIsNotAcceptedAsImages()
    {
        var path = _temp.Path("labels.idx");
        IdxWriter.WriteLabels(path, [1, 2, 3]);
        var e = Assert.Throws<InputException>(() => IdxReader.ReadImages(path, out _, out _, out _));
        Assert.Equal(path, e.Source);
        Assert.Contains("magic 0x00000801", e.Problem);
    }

    [Fact]
    public void TruncatedAndTrailingFilesAreRejected()
    {
        var path = _temp.Path("imgs.idx");
        IdxWriter.WriteImages(path, new byte[2 * 3 * 3], 2, 3, 3);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^1]);
        Assert.Contains("truncated", Assert.Throws<InputException>(() => IdxReader.ReadImages(path, out _, out _, out _)).Problem);
        File.WriteAllBytes(path, [.. bytes, 0]);
        Assert.Contains("trailing", Assert.Throws<InputException>(() => IdxReader.ReadImages(path, out _, out _, out _)).Problem);
    }

    [Fact]
    public void HugeHeaderAndMissingFileAreInputErrors()
    {
        var path = _temp.Path("huge.idx");
        File.WriteAllBytes(path, [0, 0, 8, 3, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 1]);
        Assert.Contains("limit", Assert.Throws<InputException>(() => IdxReader.ReadImages(path, out _, out _, out _)).Problem);
        Assert.Contains("not found", Assert.Throws<InputException>(() => IdxReader.ReadLabels(_temp.Path("none.idx"))).Problem);
    }

    [Fact]
    public void MismatchedLabelCountIsReported()
    {
        IdxWriter.WriteImages(_temp.Path("i.idx"), new byte[2 * 4], 2, 2, 2);
        IdxWriter.WriteLabels(_temp.Path("l.idx"), [1, 2, 3]);
        var e = Assert.Throws<InputException>(() => IdxReader.ReadDataset(_temp.Path("i.idx"), _temp.Path("l.idx")));
        Assert.Contains("3 labels", e.Problem);
    }

    [Fact]
    public void MnistTestSetLoads()
    {
        var data = IdxReader.ReadDataset(SharedData.Path("data", "mnist", "t10k-images-idx3-ubyte.gz"),
            SharedData.Path("data", "mnist", "t10k-labels-idx1-ubyte.gz"));
        Assert.Equal((10000, 28, 28, 10), (data.Count, data.Rows, data.Cols, data.ClassCount));
        Assert.Equal(7, data.Labels[0]);
    }

    /// <summary>Debian's dataset-fashion-mnist, which CI installs.</summary>
    [Fact]
    public void FashionMnistFolderLoads()
    {
        SystemPackages.RequireFashionMnist();
        const string folder = SystemPackages.FashionMnistFolder;
        var train = IdxDirectory.LoadTrain(folder);
        var test = IdxDirectory.LoadTest(folder);
        Assert.Equal((60000, 28, 28, 10), (train.Count, train.Rows, train.Cols, train.ClassCount));
        Assert.Equal(10000, test.Count);
    }

    [Fact]
    public void FolderWithoutTrainingSetIsAnInputError() =>
        Assert.Contains("train-images", Assert.Throws<InputException>(() => IdxDirectory.LoadTrain(SharedData.Path("data", "mnist"))).Problem);
}
