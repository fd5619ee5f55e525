using Verifier.Formats.Idx;

namespace Verifier.Compute.Training;

/// <summary>Samples as float32 features (Count * SampleSize, row-major) with integer class labels.</summary>
public sealed class LabelledData
{
    public LabelledData(float[] features, int[] labels, int[] sampleShape)
    {
        SampleShape = sampleShape;
        SampleSize = sampleShape.Aggregate(1, (a, b) => checked(a * b));
        if (features.Length != labels.Length * SampleSize)
            throw new ArgumentException($"{features.Length} features for {labels.Length} samples of {SampleSize}");
        Features = features;
        Labels = labels;
    }

    public float[] Features { get; }
    public int[] Labels { get; }
    public int[] SampleShape { get; }
    public int SampleSize { get; }
    public int Count => Labels.Length;
    public int ClassCount => Count == 0 ? 0 : Labels.Max() + 1;

    /// <summary>Images as [1, rows, cols] samples scaled to [0, 1].</summary>
    public static LabelledData FromIdx(IdxDataset data) =>
        new(data.ToFloat32(), data.Labels.Select(l => (int)l).ToArray(), [1, data.Rows, data.Cols]);
}
