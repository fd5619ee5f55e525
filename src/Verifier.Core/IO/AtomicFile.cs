using System.Text;
using Verifier.Core.Errors;

namespace Verifier.Core.IO;

/// <summary>
/// Writes a file under a temporary name in the same folder, flushes it to disk, then renames it over the
/// target, so a reader (or a crash) never sees a half-written result. Inside a <see cref="PublishScope"/> (a CLI
/// command) the temporary file is registered, so a deadline or Ctrl-C can delete it and stop the rename.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>Streams the content into a temporary file, then renames it over <paramref name="path"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var scope = PublishScope.Current;
        try
        {
            using (var stream = scope is null ? CreateTemporary(temp) : scope.Create(temp))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            if (scope is null) File.Move(temp, full, overwrite: true);
            else scope.Publish(temp, full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new InputException(path, $"cannot write the file: {e.Message}", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        finally
        {
            scope?.Forget(temp);
        }
    }

    internal static FileStream CreateTemporary(string temp) => new(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);

    /// <summary>Deletes a file if it exists; true when one was deleted.</summary>
    internal static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            File.Delete(path);
            return true;
        }
        catch (IOException) { return false; /* the folder is gone: nothing to clean up */ }
        catch (UnauthorizedAccessException) { return false; }
    }
}
