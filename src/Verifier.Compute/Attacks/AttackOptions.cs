namespace Verifier.Compute.Attacks;

/// <summary>The perturbation ball: max-norm (every pixel within eps) or Euclidean.</summary>
public enum Norm { Linf, L2 }

/// <summary>How the step size changes over the steps of one restart.</summary>
public enum StepSchedule
{
    /// <summary>The same step every iteration.</summary>
    Constant,

    /// <summary>Cosine decay from the step size to zero: large moves first, fine ones near the end.</summary>
    Cosine,
}

/// <summary>The loss the attack ascends.</summary>
public enum AttackLoss
{
    /// <summary>Cross-entropy of the softmax; its gradient vanishes once float32 softmax saturates.</summary>
    CrossEntropy,

    /// <summary>Best other logit minus the true logit (Carlini-Wagner margin); never saturates.</summary>
    Margin,
}

/// <summary>Options of the gradient attacks (PGD, and FGSM as its one-step case).</summary>
public sealed record AttackOptions(double Epsilon)
{
    public Norm Norm { get; init; } = Norm.Linf;
    public int Steps { get; init; } = 40;
    public int Restarts { get; init; } = 1;

    /// <summary>Step size; by default 2.5 eps / steps, so a step sequence can cross the ball and back.</summary>
    public double? StepSize { get; init; }

    public StepSchedule Schedule { get; init; } = StepSchedule.Constant;

    /// <summary>Start the first restart from a random point in the ball (later restarts always do).</summary>
    public bool RandomStart { get; init; } = true;

    /// <summary>Push every image to this class; null: any wrong class.</summary>
    public int? TargetClass { get; init; }

    public AttackLoss Loss { get; init; } = AttackLoss.CrossEntropy;
    public int Seed { get; init; }

    /// <summary>The valid input range every pixel stays in.</summary>
    public float InputMin { get; init; }
    public float InputMax { get; init; } = 1f;

    internal double StepAt(int step)
    {
        double size = StepSize ?? 2.5 * Epsilon / Steps;
        return Schedule == StepSchedule.Cosine && Steps > 1 ? size * 0.5 * (1 + Math.Cos(Math.PI * step / Steps)) : size;
    }

    internal void Validate(int classes)
    {
        if (!(Epsilon >= 0) || double.IsInfinity(Epsilon)) throw new ArgumentException($"epsilon must be a finite number >= 0, got {Epsilon}");
        if (Steps < 1) throw new ArgumentException($"steps must be at least 1, got {Steps}");
        if (Restarts < 1) throw new ArgumentException($"restarts must be at least 1, got {Restarts}");
        if (StepSize is { } s && !(s > 0 && double.IsFinite(s))) throw new ArgumentException($"step size must be positive, got {s}");
        if (!(InputMin <= InputMax)) throw new ArgumentException($"input range [{InputMin}, {InputMax}] is empty");
        Targets.Validate(TargetClass, classes);
    }
}

/// <summary>Options of the Jacobian saliency map attack.</summary>
public sealed record JsmaOptions
{
    /// <summary>The change applied to each chosen feature (positive: increase features).</summary>
    public double Theta { get; init; } = 1.0;

    /// <summary>The largest fraction of features the attack may change.</summary>
    public double MaxDistortion { get; init; } = 0.1;

    /// <summary>Push every image to this class; null: towards the strongest wrong class of each image.</summary>
    public int? TargetClass { get; init; }

    public float InputMin { get; init; }
    public float InputMax { get; init; } = 1f;

    internal void Validate(int classes)
    {
        if (!(Theta != 0) || !double.IsFinite(Theta)) throw new ArgumentException($"theta must be a non-zero number, got {Theta}");
        if (!(MaxDistortion > 0 && MaxDistortion <= 1)) throw new ArgumentException($"max distortion must be in (0, 1], got {MaxDistortion}");
        if (!(InputMin <= InputMax)) throw new ArgumentException($"input range [{InputMin}, {InputMax}] is empty");
        Targets.Validate(TargetClass, classes);
    }
}
