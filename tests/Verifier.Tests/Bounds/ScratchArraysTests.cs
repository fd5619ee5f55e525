using Verifier.Core.Bounds;

namespace Verifier.Tests.Bounds;

/// <summary>The recycled back-substitution buffers: zeroed when handed out again, and bounds unchanged by reuse.</summary>
public class ScratchArraysTests
{
    [Fact]
    public void AReleasedBufferComesBackZeroed()
    {
        ScratchArrays.ClearThisThread();
        var first = new ScratchArrays.Lease();
        var a = first.Zeroed(123);
        Array.Fill(a, 4.5);
        first.Release();
        var second = new ScratchArrays.Lease();
        var b = second.Zeroed(123);
        Assert.Same(a, b);
        Assert.All(b, v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void HeldBuffersAreNeverHandedOutTwice()
    {
        var lease = new ScratchArrays.Lease();
        var a = lease.Zeroed(77);
        var b = lease.Zeroed(77);
        Assert.NotSame(a, b);
        lease.Release();
        var next = new ScratchArrays.Lease();
        var c = next.Zeroed(77);
        var d = next.Zeroed(77);
        Assert.NotSame(c, d);
    }

    [Fact]
    public void LargeBuffersAreNotKept()
    {
        ScratchArrays.ClearThisThread();
        var lease = new ScratchArrays.Lease();
        var big = lease.Zeroed((1 << 16) + 1);
        lease.Release();
        Assert.NotSame(big, new ScratchArrays.Lease().Zeroed((1 << 16) + 1));
    }

    [Fact]
    public void RepeatedBoundsOnDirtyRecycledBuffersAreIdentical()
    {
        var analyzer = new BoundAnalyzer(TestNetworks.Mlp(11, 6, 20, 20, 20, 4), symbolicPrePass: false);
        var lower = Enumerable.Repeat(-1.0, 6).ToArray();
        var upper = Enumerable.Repeat(1.0, 6).ToArray();
        var first = analyzer.Compute(lower, upper, BoundMode.Crown);
        ScratchArrays.ClearThisThread();
        // Buffers of every size the pass uses, left dirty in the pool.
        var dirty = new ScratchArrays.Lease();
        for (int length = 1; length <= 2000; length++) Array.Fill(dirty.Zeroed(length), double.NaN);
        dirty.Release();
        var second = analyzer.Compute(lower, upper, BoundMode.Crown);
        for (int v = 0; v < first.Lower.Length; v++)
        {
            Assert.Equal(first.Lower[v], second.Lower[v]);
            Assert.Equal(first.Upper[v], second.Upper[v]);
        }
    }
}
