using Verifier.Compute.Backends;

namespace Verifier.Compute.Training;

/// <summary>Element-wise lower and upper bounds of a batch of tensors (or their gradients).</summary>
public readonly record struct Interval(ComputeBuffer<float> Lower, ComputeBuffer<float> Upper);

/// <summary>
/// One layer of a sequential model. Shapes are per sample ([features] or [channels, height, width]); buffers
/// hold up to the model's maximum batch. Forward keeps what Backward needs (its input, its output).
/// </summary>
public abstract class Layer : IDisposable
{
    protected Layer(IComputeBackend backend, int[] inputShape, int[] outputShape, int maxBatch)
    {
        Backend = backend;
        InputShape = inputShape;
        OutputShape = outputShape;
        MaxBatch = maxBatch;
        if (outputShape.Any(d => d <= 0)) throw new ArgumentException($"{GetType().Name} does not fit input [{string.Join(",", inputShape)}]");
    }

    protected IComputeBackend Backend { get; }
    public int[] InputShape { get; }
    public int[] OutputShape { get; }
    public int InputSize => InputShape.Aggregate(1, (a, b) => checked(a * b));
    public int OutputSize => OutputShape.Aggregate(1, (a, b) => checked(a * b));
    protected int MaxBatch { get; }

    public virtual IReadOnlyList<Parameter> Parameters => [];

    public abstract ComputeBuffer<float> Forward(ComputeBuffer<float> x, int batch);

    /// <summary>
    /// Fills parameter gradients (unless <paramref name="parameterGradients"/> is false: an attack needs only dL/dx)
    /// and returns dL/dx (null when <paramref name="needInputGradient"/> is false).
    /// </summary>
    public abstract ComputeBuffer<float>? Backward(ComputeBuffer<float> dy, int batch, bool needInputGradient, bool parameterGradients = true);

    protected ComputeBuffer<float> Activations(int perSample) => Backend.Allocate<float>(checked(MaxBatch * perSample));

    /// <summary>
    /// Interval bound propagation (IBP): element-wise bounds of the output of every sample from bounds of its
    /// input. Keeps what <see cref="IntervalBackward"/> needs. Float32 without outward rounding: for training, not proof.
    /// </summary>
    public virtual Interval IntervalForward(Interval x, int batch) => throw new NotSupportedException($"{GetType().Name} has no interval propagation");

    /// <summary>
    /// Adds to the parameter gradients those of a loss on the last <see cref="IntervalForward"/>'s output bounds
    /// (gradient <paramref name="d"/>) and returns the loss's gradient with respect to the input bounds.
    /// </summary>
    public virtual Interval IntervalBackward(Interval d, int batch) => throw new NotSupportedException($"{GetType().Name} has no interval propagation");

    private readonly List<IDisposable> _scratch = new();

    /// <summary>Something created on first use (interval training only) and disposed with the layer.</summary>
    protected T Owned<T>(ref T? field, Func<T> create) where T : class, IDisposable
    {
        if (field is null)
        {
            field = create();
            _scratch.Add(field);
        }
        return field;
    }

    /// <summary>An affine layer's interval buffers (made on first use), with the input split into centre and radius.</summary>
    private protected AffineInterval AffineIntervalState(ref AffineInterval? field, Interval x, int batch, Parameter weight, Parameter bias)
    {
        var state = Owned(ref field, () => new AffineInterval(Backend, MaxBatch, InputSize, OutputSize, weight.Length, bias.Length));
        state.SplitInput(x, batch, weight.Value);
        return state;
    }

    protected ComputeBuffer<T> Scratch<T>(ref ComputeBuffer<T>? field, int length) where T : unmanaged => Owned(ref field, () => Backend.Allocate<T>(length));

    /// <summary>Lower and upper bound buffers for interval propagation, each MaxBatch samples long.</summary>
    protected Interval ScratchInterval(ref ComputeBuffer<float>? lower, ref ComputeBuffer<float>? upper, int perSample) =>
        new(Scratch(ref lower, checked(MaxBatch * perSample)), Scratch(ref upper, checked(MaxBatch * perSample)));

    /// <summary>He-normal initial values (std sqrt(2 / fanIn)), suited to ReLU networks.</summary>
    protected Parameter HeParameter(string name, int[] shape, int fanIn, Random random)
    {
        int length = shape.Aggregate(1, (a, b) => checked(a * b));
        var values = new float[length];
        double std = Math.Sqrt(2.0 / fanIn);
        for (int i = 0; i < length; i++)
        {
            // Box-Muller; 1 - NextDouble() keeps the logarithm finite.
            double u = 1.0 - random.NextDouble(), v = random.NextDouble();
            values[i] = (float)(std * Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v));
        }
        return NewParameter(name, shape, values);
    }

    protected Parameter ZeroParameter(string name, int[] shape) => NewParameter(name, shape, new float[shape.Aggregate(1, (a, b) => a * b)]);

    private Parameter NewParameter(string name, int[] shape, float[] values)
    {
        var value = Backend.Allocate<float>(values.Length);
        value.Upload(values);
        return new Parameter(name, shape, value, Backend.Allocate<float>(values.Length));
    }

    public virtual void Dispose()
    {
        foreach (var p in Parameters) p.Dispose();
        foreach (var b in _scratch) b.Dispose();
        GC.SuppressFinalize(this);
    }
}
