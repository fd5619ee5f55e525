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

    /// <summary>The first <paramref name="length"/> elements of <paramref name="buffer"/> copied into <paramref name="host"/> (grown when short).</summary>
    public static float[] Download(ComputeBuffer<float> buffer, int length, ref float[] host)
    {
        buffer.Download(Host(ref host, length).AsSpan(0, length));
        return host;
    }

    /// <summary><paramref name="host"/> when it holds at least <paramref name="length"/> elements, else a new array in its place.</summary>
    public static float[] Host(ref float[] host, int length)
    {
        if (host.Length < length) host = new float[length];
        return host;
    }
}
