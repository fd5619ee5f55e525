using Verifier.Core.Errors;

namespace Verifier.Core.IO;

/// <summary>Facts about an input file as its readers see it: through a symbolic link, the file it points to.</summary>
public static class InputFile
{
    /// <summary>
    /// The file itself, or for a symbolic link its final target (a link's own FileInfo has the link's length, which
    /// made size limits refuse linked models). A link to nothing is an input error.
    /// </summary>
    public static FileInfo Info(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null) return info;
        FileInfo? target;
        try { target = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo; }
        catch (IOException e) { throw new InputException(path, $"cannot follow the symbolic link ({e.Message})", e); }
        if (target is not { Exists: true }) throw new InputException(path, $"file not found: the symbolic link points to {info.LinkTarget}, which does not exist");
        return target;
    }

    /// <summary>Bytes in the file (its target's, for a link).</summary>
    public static long Length(string path) => Info(path).Length;
}
