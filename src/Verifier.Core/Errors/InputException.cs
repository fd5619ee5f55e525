namespace Verifier.Core.Errors;

/// <summary>
/// Bad input from the user: a malformed or unsupported file, a wrong shape, an unbounded input.
/// The CLI turns it into exit code 3 and one line "SOURCE: problem" with no stack trace.
/// </summary>
public class InputException : Exception
{
    public InputException(string source, string problem, Exception? inner = null)
        : base($"{source}: {problem}", inner)
    {
        Source = source;
        Problem = problem;
    }

    /// <summary>The file (or option) the problem was found in.</summary>
    public new string Source { get; }

    public string Problem { get; }
}

/// <summary>Model constructs this tool does not support, all of them listed at once.</summary>
public sealed class UnsupportedModelException : InputException
{
    public UnsupportedModelException(string source, IReadOnlyList<string> problems)
        : base(source, $"unsupported model ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}): " + string.Join("; ", problems))
    {
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; }
}
