using Verifier.Compute.Backends;

namespace Verifier.Compute.Training.Certified;

/// <summary>
/// Buffers of one dense or convolution layer in the CROWN pass: its bias broadcast over the output positions (so
/// the bias terms of all rows are one GEMM), and scratch for the gradients.
/// </summary>
internal sealed class AffineScratch(IComputeBackend backend, int outputs) : IDisposable
{
    private ComputeBuffer<float>? _rowScratch, _kernelGradient, _zeroBias;

    public int Outputs { get; } = outputs;
    public ComputeBuffer<float> BroadcastBias { get; } = backend.Allocate<float>(outputs);
    public ComputeBuffer<float> OutputScratch { get; } = backend.Allocate<float>(outputs);

    /// <summary>Copies <paramref name="bias"/> into <see cref="BroadcastBias"/>, each channel over its positions.</summary>
    public void Broadcast(Parameter bias)
    {
        var values = bias.Value.ToArray();
        int positions = Outputs / values.Length;
        var broadcast = new float[Outputs];
        for (int o = 0; o < Outputs; o++) broadcast[o] = values[o / positions];
        BroadcastBias.Upload(broadcast);
    }

    public ComputeBuffer<float> RowScratch(int rows) => Buffers.AtLeast(backend, ref _rowScratch, rows);
    public ComputeBuffer<float> KernelGradient(int length) => Buffers.AtLeast(backend, ref _kernelGradient, length);
    public ComputeBuffer<float> ZeroBias(int length) => Buffers.AtLeast(backend, ref _zeroBias, length);

    public void Dispose()
    {
        BroadcastBias.Dispose();
        OutputScratch.Dispose();
        _rowScratch?.Dispose();
        _kernelGradient?.Dispose();
        _zeroBias?.Dispose();
    }
}
