using Verifier.Core.IO;
using Verifier.Tests.Support;

namespace Verifier.Tests.Core;

public class PublishScopeTests
{
    [Fact]
    public async Task ClosedScopeRefusesWritesAndLeavesNoTemporaryFile()
    {
        using var dir = new TempDirectory();
        var scope = new PublishScope();
        await Task.Run(() =>
        {
            PublishScope.Enter(scope);
            AtomicFile.WriteAllText(dir.Path("before.txt"), "kept");
            scope.Close();
            Assert.Throws<OperationCanceledException>(() => AtomicFile.WriteAllText(dir.Path("after.txt"), "refused"));
        });
        Assert.Equal(["before.txt"], Directory.GetFiles(dir.Root).Select(Path.GetFileName));
    }

    [Fact]
    public async Task CloseDeletesTheTemporaryFileOfAWriteInFlight()
    {
        using var dir = new TempDirectory();
        var scope = new PublishScope();
        await Task.Run(() =>
        {
            PublishScope.Enter(scope);
            Assert.Throws<OperationCanceledException>(() => AtomicFile.Write(dir.Path("out.bin"), stream =>
            {
                stream.Write(new byte[100]);
                Assert.Single(Directory.GetFiles(dir.Root));
                Assert.Equal(1, scope.Close());
                Assert.Empty(Directory.GetFiles(dir.Root));
            }));
        });
        Assert.Empty(Directory.GetFiles(dir.Root));
    }

    [Fact]
    public async Task WritesOutsideTheScopeAreUnaffected()
    {
        using var dir = new TempDirectory();
        var scope = new PublishScope();
        await Task.Run(() => { PublishScope.Enter(scope); scope.Close(); });
        AtomicFile.WriteAllText(dir.Path("free.txt"), "written");
        Assert.Equal("written", File.ReadAllText(dir.Path("free.txt")));
    }
}
