using System.CommandLine;
using Verifier.Compute.Training.Certified;
using Verifier.Core.Errors;

namespace Verifier.Cli;

/// <summary>`--certified EPS [--method ibp] [--kappa K]`: certified training, on `train` and `finetune` alike.</summary>
public sealed record CertifiedTrainingOptionSet(Option<double?> Epsilon, Option<string> Method, Option<double> Kappa)
{
    public static CertifiedTrainingOptionSet Create()
    {
        var method = new Option<string>("--method") { Description = "How certified training bounds the eps-ball: ibp (interval bounds, last layer elided).", DefaultValueFactory = _ => "ibp" };
        method.AcceptOnlyFromAmong("ibp");
        return new(
            new Option<double?>("--certified") { Description = "Certified training against L-infinity balls of this radius (eps and kappa ramp up over the first half of training)." },
            method,
            new Option<double>("--kappa") { Description = "Final weight of the clean loss in certified training (1 - kappa goes to the bound loss).", DefaultValueFactory = _ => 0.5 });
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Epsilon);
        command.Options.Add(Method);
        command.Options.Add(Kappa);
    }

    /// <summary>The options, or null without --certified.</summary>
    public CertifiedTrainingOptions? Read(ParseResult parse)
    {
        double kappa = parse.GetValue(Kappa);
        if (!(kappa >= 0 && kappa <= 1)) throw new InputException(Kappa.Name, $"must be in [0, 1], got {kappa}");
        if (parse.GetValue(Epsilon) is not { } eps) return null;
        if (!(eps > 0 && eps < 1)) throw new InputException(Epsilon.Name, $"must be a radius in (0, 1) of the [0, 1] pixel range, got {eps}");
        return new CertifiedTrainingOptions(eps, CertifiedMethod.Ibp) { FinalKappa = kappa };
    }
}
