using System.CommandLine;
using Verifier.Core.Errors;
using Verifier.Core.Specifications;
using Verifier.Core.Specifications.VnnLib;
using Verifier.Formats.Idx;

namespace Verifier.Cli.Commands;

/// <summary>
/// `verify robustness-spec`: writes the VNN-LIB property "image I of a dataset keeps its label within an
/// L-infinity ball of radius eps" in the form the MNIST-FC benchmark uses.
/// </summary>
public static class RobustnessSpecCommand
{
    public static Command Create()
    {
        var images = new Option<string>("--images") { Description = "idx images file (.gz accepted).", Required = true };
        var labels = new Option<string>("--labels") { Description = "idx labels file (.gz accepted).", Required = true };
        var index = new Option<int>("--index") { Description = "Image index (0-based).", Required = true };
        var eps = new Option<double>("--eps") { Description = "L-infinity radius, in input units.", Required = true };
        var classes = new Option<int>("--classes") { Description = "Number of model outputs.", DefaultValueFactory = _ => 10 };
        var scale = new Option<double>("--scale") { Description = "Input = pixel * scale.", DefaultValueFactory = _ => 1.0 / 255 };
        var lower = new Option<double>("--min") { Description = "Smallest valid input value.", DefaultValueFactory = _ => 0 };
        var upper = new Option<double>("--max") { Description = "Largest valid input value.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "VNN-LIB file to write.", Required = true };
        var command = new Command("robustness-spec", "Write an L-infinity robustness property around a dataset image as VNN-LIB.")
            { images, labels, index, eps, classes, scale, lower, upper, output };
        command.SetAction(parse =>
        {
            var data = IdxReader.ReadDataset(parse.GetValue(images)!, parse.GetValue(labels)!);
            int i = parse.GetValue(index);
            if (i < 0 || i >= data.Count) throw new InputException("--index", $"{i} is not an image of {parse.GetValue(images)} (0..{data.Count - 1})");
            var x = new double[data.ImageSize];
            for (int k = 0; k < x.Length; k++) x[k] = (float)(data.Pixels[i * data.ImageSize + k] * parse.GetValue(scale));
            var property = RobustnessProperty.Create(x, parse.GetValue(eps), data.Labels[i], parse.GetValue(classes),
                parse.GetValue(lower), parse.GetValue(upper), parse.GetValue(images)!);
            VnnLibWriter.Write(parse.GetValue(output)!, property);
            Console.WriteLine($"wrote {parse.GetValue(output)}: image {i} (label {data.Labels[i]}), eps {parse.GetValue(eps)}, {x.Length} inputs, {property.DisjunctCount} unsafe clauses");
            return 0;
        });
        return command;
    }
}
