using Verifier.Compute.Backends;

namespace Verifier.Compute.Training;

/// <summary>What a training step minimises.</summary>
public interface ITrainingObjective : IDisposable
{
    /// <summary>
    /// Leaves the gradient of the loss on this mini-batch in the model's parameters and returns the loss.
    /// <paramref name="progress"/> is the share of training done before this step, in [0, 1), for schedules.
    /// </summary>
    double Step(Sequential model, float[] inputs, int[] labels, int batch, double progress);
}

/// <summary>Mean softmax cross-entropy of the logits: ordinary training.</summary>
public sealed class CrossEntropyObjective(Sequential model) : ITrainingObjective
{
    private readonly ComputeBuffer<int> _labels = model.Backend.Allocate<int>(model.MaxBatch);
    private readonly ComputeBuffer<float> _dLogits = model.Backend.Allocate<float>(checked(model.MaxBatch * model.OutputSize));

    public double Step(Sequential model, float[] inputs, int[] labels, int batch, double progress) => Step(model, inputs, labels, batch, 1f);

    /// <summary>The step with the loss (and its gradients) multiplied by <paramref name="weight"/>.</summary>
    public double Step(Sequential model, float[] inputs, int[] labels, int batch, float weight)
    {
        _labels.Upload(labels.AsSpan(0, batch));
        var logits = model.Forward(inputs, batch);
        double loss = model.Backend.SoftmaxCrossEntropy(logits, _labels, batch, model.OutputSize, _dLogits);
        if (weight != 1f) Scale(_dLogits, batch * model.OutputSize, weight);
        model.Backward(_dLogits, batch);
        return loss;
    }

    /// <summary>Scales the first <paramref name="length"/> values on the host: a mini-batch of logits is small.</summary>
    private static void Scale(ComputeBuffer<float> buffer, int length, float factor)
    {
        var values = new float[length];
        buffer.Download(values);
        for (int i = 0; i < length; i++) values[i] *= factor;
        buffer.Upload(values);
    }

    public void Dispose()
    {
        _labels.Dispose();
        _dLogits.Dispose();
    }
}
