using Verifier.Compute.Backends;

namespace Verifier.Compute.Training;

/// <summary>A trainable tensor with its gradient, both in backend memory.</summary>
public sealed class Parameter(string name, int[] shape, ComputeBuffer<float> value, ComputeBuffer<float> gradient) : IDisposable
{
    public string Name { get; } = name;
    public int[] Shape { get; } = shape;
    public int Length => Value.Length;
    public ComputeBuffer<float> Value { get; } = value;
    public ComputeBuffer<float> Gradient { get; } = gradient;

    public void Dispose()
    {
        Value.Dispose();
        Gradient.Dispose();
    }
}
