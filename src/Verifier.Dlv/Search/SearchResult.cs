namespace Verifier.Dlv.Search;

public enum DlvOutcome
{
    /// <summary>A confirmed adversarial example was found.</summary>
    Adversarial,
    /// <summary>Every grid point of the discretised region was evaluated: safe with respect to the manipulations.</summary>
    SafeWithRespectToManipulations,
    /// <summary>The search ended (rounds, budget, queue) without an adversarial example; no claim is made.</summary>
    NoneFound,
}

/// <summary>What one DLV run on one input found; <see cref="Evaluations"/> counts network evaluations (grid points tried).</summary>
public sealed record DlvResult(DlvOutcome Outcome, Prediction Original, AdversarialExample? Adversarial, int Rounds, long Evaluations, TimeSpan Elapsed)
{
    public bool Found => Adversarial is not null;
}
