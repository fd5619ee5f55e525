namespace Verifier.Tests.Support;

/// <summary>
/// Debian packages some tests need. `bash tools/test.sh` installs them first (tools/install-deps.sh); where that
/// could not run, a test that needs one fails naming the package and the command that installs it.
/// </summary>
public static class SystemPackages
{
    public const string FashionMnistFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>Fails the calling test unless Debian's dataset-fashion-mnist is installed.</summary>
    public static void RequireFashionMnist()
    {
        if (!Directory.Exists(FashionMnistFolder)) throw Missing("dataset-fashion-mnist", $"{FashionMnistFolder} does not exist");
    }

    /// <summary>The Chromium binary, or a failure naming Debian's chromium package.</summary>
    public static string Chromium() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw Missing("chromium", "/usr/bin/chromium does not exist");

    private static Exception Missing(string package, string what) =>
        new InvalidOperationException($"this test needs the Debian package {package} ({what}): run `bash tools/install-deps.sh` as root, or `apt-get install {package}`");
}
