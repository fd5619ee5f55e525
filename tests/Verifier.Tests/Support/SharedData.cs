namespace Verifier.Tests.Support;

/// <summary>
/// Locates the read-only shared fixtures (`../shared` beside the checkout; CI has the same layout).
/// VERIFIER_SHARED overrides. Tests that need them fail loudly if they are missing.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root.Value, .. parts]);

    public static string Benchmarks(params string[] parts) => Path(["benchmarks", .. parts]);

    private static string Find()
    {
        var env = Environment.GetEnvironmentVariable("VERIFIER_SHARED");
        if (!string.IsNullOrEmpty(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(System.IO.Path.Combine(candidate, "benchmarks"))) return candidate;
        }
        throw new DirectoryNotFoundException("shared fixtures not found: expected a 'shared' folder beside the checkout, or VERIFIER_SHARED");
    }
}
