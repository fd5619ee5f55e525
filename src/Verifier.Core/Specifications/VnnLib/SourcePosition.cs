using Verifier.Core.Errors;

namespace Verifier.Core.Specifications.VnnLib;

/// <summary>A 1-based line and column in a VNN-LIB text, so every error points at its cause.</summary>
public readonly record struct SourcePosition(int Line, int Column)
{
    public override string ToString() => $"line {Line}, column {Column}";

    /// <summary>The error every VNN-LIB problem becomes: "SOURCE: line L, column C: problem".</summary>
    public InputException Error(string source, string problem) => new(source, $"{this}: {problem}");
}
