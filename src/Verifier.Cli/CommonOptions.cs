using System.CommandLine;

namespace Verifier.Cli;

/// <summary>Options and arguments shared by several commands, so they read the same everywhere.</summary>
public static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON document instead of text." };

    public static Argument<string> Model() => new("model") { Description = "Model file (.onnx, .nnet or Keras .h5)." };

    public static Option<double?> Timeout() => new("--timeout") { Description = "Time budget in seconds." };

    public static Option<int> Seed() => new("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 0 };
}
