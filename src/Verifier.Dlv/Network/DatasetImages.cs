using Verifier.Core.Errors;
using Verifier.Formats.Idx;

namespace Verifier.Dlv.Network;

/// <summary>Images of an idx dataset as the networks take them: uint8 / 255 in float32, widened to float64.</summary>
public static class DatasetImages
{
    public static double[] Image(IdxDataset data, int index, string source)
    {
        if (index < 0 || index >= data.Count) throw new InputException(source, $"image index {index} out of range 0..{data.Count - 1}");
        var image = new double[data.ImageSize];
        for (int i = 0; i < image.Length; i++) image[i] = data.Pixels[index * data.ImageSize + i] / 255f;
        return image;
    }
}
