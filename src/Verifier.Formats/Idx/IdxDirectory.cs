using Verifier.Core.Errors;

namespace Verifier.Formats.Idx;

/// <summary>
/// A folder in the MNIST layout: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
/// t10k-labels-idx1-ubyte, each plain or with .gz (Fashion-MNIST uses the same names).
/// </summary>
public static class IdxDirectory
{
    public static IdxDataset LoadTrain(string directory) => Load(directory, "train");

    public static IdxDataset LoadTest(string directory) => Load(directory, "t10k");

    public static bool HasSplit(string directory, string split) =>
        FindFile(directory, $"{split}-images-idx3-ubyte") is not null && FindFile(directory, $"{split}-labels-idx1-ubyte") is not null;

    private static IdxDataset Load(string directory, string split)
    {
        if (!Directory.Exists(directory)) throw new InputException(directory, "dataset folder not found");
        var images = FindFile(directory, $"{split}-images-idx3-ubyte")
            ?? throw new InputException(directory, $"no {split}-images-idx3-ubyte[.gz] in the dataset folder");
        var labels = FindFile(directory, $"{split}-labels-idx1-ubyte")
            ?? throw new InputException(directory, $"no {split}-labels-idx1-ubyte[.gz] in the dataset folder");
        return IdxReader.ReadDataset(images, labels);
    }

    private static string? FindFile(string directory, string stem) =>
        new[] { stem, stem + ".gz" }.Select(name => Path.Combine(directory, name)).FirstOrDefault(File.Exists);
}
