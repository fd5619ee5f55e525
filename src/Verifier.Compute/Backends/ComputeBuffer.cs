namespace Verifier.Compute.Backends;

/// <summary>
/// A one-dimensional array owned by a backend (host memory for the CPU backend, device memory for a GPU).
/// Training keeps all tensors in such buffers, so a GPU backend copies to the host only what is asked for.
/// </summary>
public abstract class ComputeBuffer<T> : IDisposable where T : unmanaged
{
    public abstract int Length { get; }

    /// <summary>Copies <paramref name="source"/> into the buffer starting at element <paramref name="offset"/>.</summary>
    public abstract void Upload(ReadOnlySpan<T> source, int offset = 0);

    /// <summary>Copies elements starting at <paramref name="offset"/> into <paramref name="destination"/>.</summary>
    public abstract void Download(Span<T> destination, int offset = 0);

    public T[] ToArray()
    {
        var result = new T[Length];
        Download(result);
        return result;
    }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    protected void CheckRange(int offset, int count)
    {
        if (offset < 0 || count < 0 || (long)offset + count > Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"range [{offset}, {offset + count}) outside a buffer of {Length}");
    }
}

/// <summary>Host memory buffer of the CPU backend.</summary>
public sealed class CpuBuffer<T>(int length) : ComputeBuffer<T> where T : unmanaged
{
    public T[] Data { get; } = new T[length];
    public override int Length => Data.Length;

    public override void Upload(ReadOnlySpan<T> source, int offset = 0)
    {
        CheckRange(offset, source.Length);
        source.CopyTo(Data.AsSpan(offset));
    }

    public override void Download(Span<T> destination, int offset = 0)
    {
        CheckRange(offset, destination.Length);
        Data.AsSpan(offset, destination.Length).CopyTo(destination);
    }
}
