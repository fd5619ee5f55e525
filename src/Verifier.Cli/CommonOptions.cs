using System.CommandLine;

namespace Verifier.Cli;

/// <summary>Options and arguments shared by several commands, so they read the same everywhere.</summary>
public static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON document instead of text." };

    public static Argument<string> Model() => new("model") { Description = "Model file (.onnx, .nnet or Keras .h5)." };

    public const string TimeoutName = "--timeout";

    /// <summary>
    /// The command's time budget, counted from process start. CliApp turns it into the command's deadline
    /// (<see cref="CommandDeadline"/>): at the deadline the command answers `timeout` with exit 2 on time.
    /// </summary>
    public static Option<double?> Timeout(double? defaultSeconds = null)
    {
        var option = new Option<double?>(TimeoutName) { Description = "Time budget in seconds, counted from process start; at the deadline the answer is 'timeout' (exit 2)." };
        if (defaultSeconds is { } d) option.DefaultValueFactory = _ => d;
        return option;
    }

    public static Option<bool> RootLp() => new("--root-lp")
    {
        Description = "Tighten the root's intermediate bounds by LP (GLOP; safe bounds from its duals) before the search's own tightening. Affine+ReLU networks only.",
    };

    public static Option<int> Seed() => new("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 0 };
}
