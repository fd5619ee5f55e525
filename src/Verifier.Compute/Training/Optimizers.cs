using Verifier.Compute.Backends;

namespace Verifier.Compute.Training;

/// <summary>Updates parameters from their gradients; per-parameter state lives in backend memory.</summary>
public abstract class Optimizer : IDisposable
{
    private readonly Dictionary<Parameter, ComputeBuffer<float>[]> _state = new();

    protected Optimizer(IComputeBackend backend, float learningRate)
    {
        if (!(learningRate > 0) || !float.IsFinite(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), "learning rate must be positive");
        Backend = backend;
        LearningRate = learningRate;
    }

    protected IComputeBackend Backend { get; }
    /// <summary>The current rate; the trainer lowers it over the epochs according to its schedule.</summary>
    public float LearningRate { get; set; }
    protected int StepCount { get; private set; }

    public static Optimizer Create(string name, IComputeBackend backend, float learningRate) => name.ToLowerInvariant() switch
    {
        "sgd" => new SgdMomentum(backend, learningRate),
        "adam" => new Adam(backend, learningRate),
        _ => throw new ArgumentException($"unknown optimizer '{name}' (expected sgd or adam)"),
    };

    public void Step(IEnumerable<Parameter> parameters)
    {
        StepCount++;
        foreach (var p in parameters) Update(p, State(p));
    }

    protected abstract int StateBuffers { get; }
    protected abstract void Update(Parameter p, ComputeBuffer<float>[] state);

    private ComputeBuffer<float>[] State(Parameter p)
    {
        if (!_state.TryGetValue(p, out var s))
        {
            s = new ComputeBuffer<float>[StateBuffers];
            for (int i = 0; i < s.Length; i++) s[i] = Backend.Allocate<float>(p.Length);
            _state[p] = s;
        }
        return s;
    }

    public void Dispose()
    {
        foreach (var s in _state.Values) foreach (var b in s) b.Dispose();
        _state.Clear();
        GC.SuppressFinalize(this);
    }
}

/// <summary>SGD with (heavy-ball) momentum 0.9.</summary>
public sealed class SgdMomentum(IComputeBackend backend, float learningRate, float momentum = 0.9f) : Optimizer(backend, learningRate)
{
    protected override int StateBuffers => 1;
    protected override void Update(Parameter p, ComputeBuffer<float>[] state) =>
        Backend.SgdMomentumStep(p.Value, p.Gradient, state[0], p.Length, LearningRate, momentum);
}

/// <summary>Adam (Kingma and Ba) with the usual defaults beta1 0.9, beta2 0.999, epsilon 1e-8.</summary>
public sealed class Adam(IComputeBackend backend, float learningRate, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
    : Optimizer(backend, learningRate)
{
    protected override int StateBuffers => 2;
    protected override void Update(Parameter p, ComputeBuffer<float>[] state) =>
        Backend.AdamStep(p.Value, p.Gradient, state[0], state[1], p.Length, LearningRate, beta1, beta2, epsilon, StepCount);
}
