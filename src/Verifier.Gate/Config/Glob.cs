using Microsoft.Extensions.FileSystemGlobbing;

namespace Verifier.Gate.Config;

/// <summary>Expands a file pattern (`specs/*.vnnlib`, `**/prop_?.vnnlib`, or a plain path) relative to a directory.</summary>
public static class Glob
{
    public static List<string> Expand(string baseDirectory, string pattern)
    {
        var full = Path.GetFullPath(Path.Combine(baseDirectory, pattern));
        if (pattern.IndexOfAny(['*', '?']) < 0) return File.Exists(full) ? [full] : [];
        // Match from the deepest directory that has no wildcard, so absolute and ../ patterns work.
        var parts = full.Split(Path.DirectorySeparatorChar);
        int firstWild = Array.FindIndex(parts, p => p.IndexOfAny(['*', '?']) >= 0);
        var root = string.Join(Path.DirectorySeparatorChar, parts[..firstWild]);
        if (root.Length == 0) root = "/";
        if (!Directory.Exists(root)) return [];
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(string.Join('/', parts[firstWild..]));
        return matcher.GetResultsInFullPath(root).Order(StringComparer.Ordinal).ToList();
    }
}
