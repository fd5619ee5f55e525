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

    /// <summary>The first <paramref name="count"/> samples (all when there are fewer).</summary>
    public LabelledData Take(int count)
    {
        count = Math.Min(count, Count);
        return count == Count ? this : new(Features[..(count * SampleSize)], Labels[..count], SampleShape);
    }

    /// <summary>These samples followed by <paramref name="copies"/> copies of <paramref name="extra"/> (oversampling a small set).</summary>
    public LabelledData WithRepeated(LabelledData extra, int copies)
    {
        if (extra.SampleSize != SampleSize) throw new ArgumentException($"samples of {extra.SampleSize} values do not match {SampleSize}");
        var features = new float[checked(Features.Length + copies * extra.Features.Length)];
        var labels = new int[Labels.Length + copies * extra.Count];
        Features.CopyTo(features, 0);
        Labels.CopyTo(labels, 0);
        for (int c = 0; c < copies; c++)
        {
            extra.Features.CopyTo(features, Features.Length + c * extra.Features.Length);
            extra.Labels.CopyTo(labels, Labels.Length + c * extra.Count);
        }
        return new LabelledData(features, labels, SampleShape);
    }

    /// <summary>Images as [1, rows, cols] samples scaled to [0, 1].</summary>
    public static LabelledData FromIdx(IdxDataset data) =>
        new(data.ToFloat32(), data.Labels.Select(l => (int)l).ToArray(), [1, data.Rows, data.Cols]);
}
