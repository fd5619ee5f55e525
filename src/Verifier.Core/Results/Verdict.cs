namespace Verifier.Core.Results;

/// <summary>The five outcomes, kept distinct everywhere: code, output words and exit codes.</summary>
public enum Verdict
{
    /// <summary>The property holds (VNN-COMP "unsat": no counterexample exists). Only from sound reasoning.</summary>
    Verified,

    /// <summary>The property is violated (VNN-COMP "sat"), with a witness re-executed at zero tolerance.</summary>
    Falsified,

    /// <summary>Undecided by the methods run.</summary>
    Unknown,

    /// <summary>Undecided within the time budget.</summary>
    Timeout,

    /// <summary>The analysis failed (internal error).</summary>
    Error,
}

public static class VerdictText
{
    /// <summary>The VNN-COMP result word.</summary>
    public static string VnnComp(this Verdict v) => v switch
    {
        Verdict.Verified => "unsat",
        Verdict.Falsified => "sat",
        Verdict.Unknown => "unknown",
        Verdict.Timeout => "timeout",
        _ => "error",
    };

    /// <summary>The word used in human and JSON output.</summary>
    public static string Word(this Verdict v) => v switch
    {
        Verdict.Verified => "verified",
        Verdict.Falsified => "falsified",
        Verdict.Unknown => "unknown",
        Verdict.Timeout => "timeout",
        _ => "error",
    };
}

/// <summary>The documented process exit codes.</summary>
public static class ExitCodes
{
    public const int Holds = 0;
    public const int Violated = 1;
    public const int Undecided = 2;
    public const int BadInput = 3;
    public const int InternalError = 4;

    public static int For(Verdict v) => v switch
    {
        Verdict.Verified => Holds,
        Verdict.Falsified => Violated,
        Verdict.Unknown or Verdict.Timeout => Undecided,
        _ => InternalError,
    };
}
