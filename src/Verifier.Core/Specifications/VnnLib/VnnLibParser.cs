using Verifier.Core.Errors;
using Verifier.Core.IO;

namespace Verifier.Core.Specifications.VnnLib;

/// <summary>
/// Reads the VNN-LIB subset used by every VNN-COMP benchmark into a <see cref="SafetyProperty"/>:
/// declare-const X_i/Y_j Real, asserts of &lt;=/&gt;= atoms nested in and/or, conjoined and distributed into DNF.
/// Every problem is an <see cref="InputException"/> "path: line L, column C: problem".
/// </summary>
public static class VnnLibParser
{
    public static SafetyProperty Parse(string path, VnnLibLimits? limits = null)
    {
        limits ??= VnnLibLimits.Default;
        var file = InputFile.Info(path);
        if (!file.Exists) throw new InputException(path, "property file not found");
        // UTF-8 never has fewer bytes than chars, so the byte limit bounds the text too.
        if (file.Length > limits.MaxFileChars)
            throw new InputException(path, $"property file is {file.Length} bytes, more than the limit of {limits.MaxFileChars}");
        string text;
        try { text = File.ReadAllText(path); }
        catch (IOException e) { throw new InputException(path, $"cannot read the property file: {e.Message}", e); }
        catch (UnauthorizedAccessException e) { throw new InputException(path, $"cannot read the property file: {e.Message}", e); }
        return ParseText(text, path, limits);
    }

    public static SafetyProperty ParseText(string text, string source, VnnLibLimits? limits = null)
    {
        limits ??= VnnLibLimits.Default;
        if (text.Length > limits.MaxFileChars)
            throw new InputException(source, $"property text has {text.Length} characters, more than the limit of {limits.MaxFileChars}");
        return new VnnLibInterpreter(text, source, limits).Run();
    }
}
