using System.CommandLine;
using Verifier.Compute.Training.Certified;
using Verifier.Core.Errors;

namespace Verifier.Cli;

/// <summary>`--certified EPS [--method ibp|crown-ibp] [--kappa K] [--final-beta B]`: certified training, on `train` and `finetune` alike.</summary>
public sealed record CertifiedTrainingOptionSet(Option<double?> Epsilon, Option<string> Method, Option<double> Kappa, Option<double> FinalBeta)
{
    public static CertifiedTrainingOptionSet Create()
    {
        var method = new Option<string>("--method")
        {
            Description = "How certified training bounds the eps-ball: ibp (interval bounds, last layer elided) or crown-ibp (IBP for the intermediate " +
                "layers, a CROWN back-substitution for the margins, mixed with IBP's by beta, which falls from 1 to --final-beta while eps ramps up).",
            DefaultValueFactory = _ => "ibp",
        };
        method.AcceptOnlyFromAmong([.. CertifiedMethods.Names]);
        return new(
            new Option<double?>("--certified") { Description = "Certified training against L-infinity balls of this radius (eps and kappa ramp up over the first half of training)." },
            method,
            new Option<double>("--kappa") { Description = "Final weight of the clean loss in certified training (1 - kappa goes to the bound loss).", DefaultValueFactory = _ => 0.5 },
            new Option<double>("--final-beta") { Description = "crown-ibp: weight of the CROWN margins once eps has ramped up (the rest is IBP's; the paper's schedule: 0).", DefaultValueFactory = _ => 0 });
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Epsilon);
        command.Options.Add(Method);
        command.Options.Add(Kappa);
        command.Options.Add(FinalBeta);
    }

    /// <summary>The options, or null without --certified.</summary>
    public CertifiedTrainingOptions? Read(ParseResult parse)
    {
        double kappa = parse.GetValue(Kappa);
        if (!(kappa >= 0 && kappa <= 1)) throw new InputException(Kappa.Name, $"must be in [0, 1], got {kappa}");
        double beta = parse.GetValue(FinalBeta);
        if (!(beta >= 0 && beta <= 1)) throw new InputException(FinalBeta.Name, $"must be in [0, 1], got {beta}");
        if (parse.GetValue(Epsilon) is not { } eps) return null;
        if (!(eps > 0 && eps < 1)) throw new InputException(Epsilon.Name, $"must be a radius in (0, 1) of the [0, 1] pixel range, got {eps}");
        return new CertifiedTrainingOptions(eps, CertifiedMethods.Parse(parse.GetValue(Method)!)) { FinalKappa = kappa, FinalBeta = beta };
    }
}
