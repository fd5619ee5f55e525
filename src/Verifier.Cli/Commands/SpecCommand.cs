using System.CommandLine;
using Verifier.Core.Specifications.VnnLib;

namespace Verifier.Cli.Commands;

/// <summary>`verify spec PROPERTY`: parse a VNN-LIB file and summarise its input boxes and unsafe clauses.</summary>
public static class SpecCommand
{
    public static Command Create()
    {
        var property = new Argument<string>("property") { Description = "VNN-LIB property file (.vnnlib)." };
        var json = CommonOptions.Json();
        var command = new Command("spec", "Check a VNN-LIB property file and summarise its input boxes and unsafe clauses.") { property, json };
        command.SetAction(parse =>
        {
            var spec = VnnLibParser.Parse(parse.GetValue(property)!);
            var cases = spec.Cases.Select(c => new CaseSummary(
                c.Box.Lower.Select(l => l.Value).ToArray(), c.Box.Upper.Select(u => u.Value).ToArray(),
                c.Clauses.Select(cl => cl.Rows.Count).ToArray())).ToArray();
            if (parse.GetValue(json))
            {
                Output.Json(new SpecSummary(spec.Source, spec.InputCount, spec.OutputCount, spec.DisjunctCount, cases));
                return 0;
            }
            Console.WriteLine($"property   {spec.Source}");
            Console.WriteLine($"inputs     {spec.InputCount}");
            Console.WriteLine($"outputs    {spec.OutputCount}");
            Console.WriteLine($"disjuncts  {spec.DisjunctCount} in {cases.Length} input box{(cases.Length == 1 ? "" : "es")}");
            for (int k = 0; k < cases.Length; k++)
            {
                var widths = cases[k].Upper.Zip(cases[k].Lower, (u, l) => u - l).ToArray();
                Console.WriteLine($"  box {k}: width {widths.Min():G6} .. {widths.Max():G6}, {cases[k].RowsPerClause.Length} unsafe clause(s) of {string.Join("/", cases[k].RowsPerClause.Distinct())} row(s)");
            }
            return 0;
        });
        return command;
    }

    private sealed record CaseSummary(double[] Lower, double[] Upper, int[] RowsPerClause);
    private sealed record SpecSummary(string Path, int Inputs, int Outputs, int Disjuncts, CaseSummary[] Cases);
}
