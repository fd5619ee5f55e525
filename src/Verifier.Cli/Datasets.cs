using Verifier.Core.Errors;
using Verifier.Formats.Idx;

namespace Verifier.Cli;

/// <summary>The --dataset option of the training commands: a named installed dataset or a folder in MNIST layout.</summary>
public static class Datasets
{
    private const string FashionMnistFolder = "/usr/share/datasets/fashion-mnist";

    public const string Description = "fashion-mnist, mnist, or a folder with MNIST-layout idx files.";

    /// <summary>Named datasets map to their installed folders; anything else is a folder path.</summary>
    public static string Folder(string dataset)
    {
        switch (dataset.ToLowerInvariant())
        {
            case "fashion-mnist":
                if (!Directory.Exists(FashionMnistFolder))
                    throw new InputException("--dataset", $"Fashion-MNIST not found in {FashionMnistFolder} (install the Debian package dataset-fashion-mnist)");
                return FashionMnistFolder;
            case "mnist":
                var candidates = new[] { Environment.GetEnvironmentVariable("VERIFIER_MNIST"), "/usr/share/datasets/mnist" }
                    .Where(d => !string.IsNullOrEmpty(d)).Select(d => d!);
                return candidates.FirstOrDefault(d => IdxDirectory.HasSplit(d, "train"))
                    ?? throw new InputException("--dataset", "no MNIST training set found (set VERIFIER_MNIST to a folder with train-images-idx3-ubyte[.gz], or pass the folder)");
            default:
                return dataset;
        }
    }
}
