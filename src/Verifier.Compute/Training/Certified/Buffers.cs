using Verifier.Compute.Backends;

namespace Verifier.Compute.Training.Certified;

internal static class Buffers
{
    /// <summary><paramref name="buffer"/> when it holds at least <paramref name="length"/> elements, else a new one in its place.</summary>
    public static ComputeBuffer<float> AtLeast(IComputeBackend backend, ref ComputeBuffer<float>? buffer, int length)
    {
        if (buffer is { } b && b.Length >= length) return b;
        buffer?.Dispose();
        return buffer = backend.Allocate<float>(length);
    }

    public static float[] Download(ComputeBuffer<float> buffer, int length)
    {
        var host = new float[length];
        buffer.Download(host);
        return host;
    }
}
