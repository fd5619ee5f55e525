using Verifier.Core.Errors;
using Verifier.Formats.Onnx.Proto;

namespace Verifier.Formats.Onnx;

/// <summary>
/// Tensor data stored beside the model (data_location = EXTERNAL). Allowed only from the directory the user
/// named, and the file, after resolving every link, must stay inside it: a model file is untrusted and must not
/// be able to read arbitrary files of the machine.
/// </summary>
internal sealed class OnnxExternalData(string modelPath, ModelLoadOptions options)
{
    public byte[]? Read(TensorProto t, string what, long expectedBytes, List<string> problems)
    {
        var entries = t.ExternalData.ToDictionary(e => e.Key, e => e.Value);
        var location = entries.GetValueOrDefault("location", "");
        if (options.ExternalDataDirectory is null)
        {
            problems.Add($"{what} references external data '{location}', which is rejected unless an external data directory is allowed");
            return null;
        }
        long offset = Number(entries, "offset", 0, what);
        long length = Number(entries, "length", expectedBytes, what);
        if (length != expectedBytes)
            throw new InputException(modelPath, $"{what}: external data length {length} does not match its shape ({expectedBytes} bytes)");
        string file;
        try { file = Resolve(location, what); }
        catch (IOException e) { throw new InputException(modelPath, $"{what}: external data '{location}' cannot be resolved ({e.Message})", e); }
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read);
        if (offset < 0 || offset > stream.Length - length)
            throw new InputException(modelPath, $"{what}: external data range {offset}+{length} is outside '{location}' ({stream.Length} bytes)");
        var bytes = new byte[length];
        stream.Seek(offset, SeekOrigin.Begin);
        stream.ReadExactly(bytes);
        return bytes;
    }

    private long Number(Dictionary<string, string> entries, string key, long fallback, string what)
    {
        if (!entries.TryGetValue(key, out var text)) return fallback;
        return long.TryParse(text, out var v) && v >= 0 ? v : throw new InputException(modelPath, $"{what}: bad external data {key} '{text}'");
    }

    private string Resolve(string location, string what)
    {
        var root = RealPath(Path.GetFullPath(options.ExternalDataDirectory!));
        if (location.Length == 0 || Path.IsPathRooted(location))
            throw new InputException(modelPath, $"{what}: external data location '{location}' must be a relative path");
        var file = RealPath(Path.GetFullPath(Path.Combine(root, location)));
        if (!file.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InputException(modelPath, $"{what}: external data location '{location}' leads outside {root}");
        if (!File.Exists(file)) throw new InputException(modelPath, $"{what}: external data file '{location}' not found");
        return file;
    }

    /// <summary>The path with every symbolic link along it resolved, so a link cannot lead out of the root.</summary>
    private static string RealPath(string fullPath)
    {
        var root = Path.GetPathRoot(fullPath)!;
        var current = root;
        foreach (var part in fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                current = RealPath(target.FullName);
        }
        return current;
    }
}
