using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using Verifier.Compute.Backends;

namespace Verifier.Compute.Ilgpu;

/// <summary>Accelerator memory; allocated zeroed, as the backend contract requires.</summary>
public sealed class IlgpuBuffer<T> : ComputeBuffer<T> where T : unmanaged
{
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _buffer;

    internal IlgpuBuffer(Accelerator accelerator, int length)
    {
        _buffer = accelerator.Allocate1D<T>(Math.Max(1, length));
        _buffer.MemSetToZero();
        Length = length;
    }

    public override int Length { get; }
    internal ArrayView<T> View => _buffer.View;

    public override void Upload(ReadOnlySpan<T> source, int offset = 0)
    {
        CheckRange(offset, source.Length);
        if (source.Length == 0) return;
        View.SubView(offset, source.Length).CopyFromCPU(ref MemoryMarshal.GetReference(source), source.Length);
    }

    public override void Download(Span<T> destination, int offset = 0)
    {
        CheckRange(offset, destination.Length);
        if (destination.Length == 0) return;
        View.SubView(offset, destination.Length).CopyToCPU(ref MemoryMarshal.GetReference(destination), destination.Length);
    }

    public override void Dispose()
    {
        _buffer.Dispose();
        base.Dispose();
    }
}
