using Verifier.Compute.Backends;
using Verifier.Core.Errors;

namespace Verifier.Compute.Training;

/// <summary>A feed-forward stack of layers on one backend, built from layer specs with seeded He initialisation.</summary>
public sealed class Sequential : IDisposable
{
    private readonly ComputeBuffer<float> _input;

    private Sequential(IComputeBackend backend, int[] inputShape, List<Layer> layers, int maxBatch, string description)
    {
        Backend = backend;
        InputShape = inputShape;
        Layers = layers;
        MaxBatch = maxBatch;
        Description = description;
        _input = backend.Allocate<float>(checked(maxBatch * InputSize));
    }

    public IComputeBackend Backend { get; }
    public int[] InputShape { get; }
    public IReadOnlyList<Layer> Layers { get; }
    public int MaxBatch { get; }
    public string Description { get; }
    public int InputSize => InputShape.Aggregate(1, (a, b) => a * b);
    public int OutputSize => Layers[^1].OutputSize;
    public IEnumerable<Parameter> Parameters => Layers.SelectMany(l => l.Parameters);
    public long ParameterCount => Parameters.Sum(p => (long)p.Length);

    /// <summary>
    /// Builds the layers for samples of <paramref name="sampleShape"/> ([C,H,W] or [features]). A model whose first
    /// layer is dense takes flat vectors, so its exported graph has a (1, features) input.
    /// </summary>
    public static Sequential Create(IComputeBackend backend, int[] sampleShape, IReadOnlyList<LayerSpec> specs, int maxBatch, int seed)
    {
        var random = new Random(seed);
        int[] inputShape = specs[0].Kind is "dense" or "flatten" ? [sampleShape.Aggregate(1, (a, b) => checked(a * b))] : sampleShape;
        var shape = inputShape;
        var layers = new List<Layer>();
        try
        {
            foreach (var spec in specs)
            {
                var layer = CreateLayer(backend, shape, spec, maxBatch, random, layers.Count);
                layers.Add(layer);
                shape = layer.OutputShape;
            }
        }
        catch
        {
            foreach (var l in layers) l.Dispose();
            throw;
        }
        return new Sequential(backend, inputShape, layers, maxBatch, string.Join(",", specs));
    }

    private static Layer CreateLayer(IComputeBackend backend, int[] shape, LayerSpec spec, int maxBatch, Random random, int index)
    {
        var a = spec.Arguments;
        switch (spec.Kind)
        {
            case "dense": return new DenseLayer(backend, shape, a[0], maxBatch, random, index);
            case "relu": return new ReluLayer(backend, shape, maxBatch);
            case "flatten": return new FlattenLayer(backend, shape, maxBatch);
        }
        if (shape.Length != 3) throw new InputException("--arch", $"layer {spec} needs [channels, height, width] input, got [{string.Join(",", shape)}]");
        if (spec.Kind == "conv")
        {
            var g = new ConvGeometry(shape[0], shape[1], shape[2], a[0], a[1], a[1], a.Length > 2 ? a[2] : 1, a.Length > 3 ? a[3] : 0);
            if (g.OutH <= 0 || g.OutW <= 0) throw new InputException("--arch", $"layer {spec} does not fit input [{string.Join(",", shape)}]");
            return new Conv2DLayer(backend, shape, g, maxBatch, random, index);
        }
        var p = new PoolGeometry(shape[0], shape[1], shape[2], a[0], a.Length > 1 ? a[1] : a[0]);
        if (p.OutH <= 0 || p.OutW <= 0) throw new InputException("--arch", $"layer {spec} does not fit input [{string.Join(",", shape)}]");
        return new MaxPoolLayer(backend, shape, p, maxBatch);
    }

    /// <summary>Logits for <paramref name="batch"/> samples uploaded from <paramref name="inputs"/> (batch * InputSize floats).</summary>
    public ComputeBuffer<float> Forward(ReadOnlySpan<float> inputs, int batch)
    {
        if (batch <= 0 || batch > MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), $"batch {batch} outside 1..{MaxBatch}");
        _input.Upload(inputs[..(batch * InputSize)]);
        var x = _input;
        foreach (var layer in Layers) x = layer.Forward(x, batch);
        return x;
    }

    /// <summary>
    /// Back-propagates dL/dlogits through all layers, leaving each parameter's gradient (unless
    /// <paramref name="parameterGradients"/> is false); with <paramref name="inputGradient"/> also returns dL/dinput
    /// (batch * InputSize values), which attacks ascend.
    /// </summary>
    public ComputeBuffer<float>? Backward(ComputeBuffer<float> dLogits, int batch, bool inputGradient = false, bool parameterGradients = true)
    {
        var dy = dLogits;
        for (int i = Layers.Count - 1; i >= 0; i--)
            dy = Layers[i].Backward(dy, batch, needInputGradient: i > 0 || inputGradient, parameterGradients)!;
        return inputGradient ? dy : null;
    }

    /// <summary>Logits on the host for any number of samples, evaluated in chunks of MaxBatch.</summary>
    public float[] Predict(ReadOnlySpan<float> inputs, int count)
    {
        var logits = new float[count * OutputSize];
        for (int start = 0; start < count; start += MaxBatch)
        {
            int batch = Math.Min(MaxBatch, count - start);
            var y = Forward(inputs.Slice(start * InputSize, batch * InputSize), batch);
            y.Download(logits.AsSpan(start * OutputSize, batch * OutputSize));
        }
        return logits;
    }

    public void Dispose()
    {
        foreach (var layer in Layers) layer.Dispose();
        _input.Dispose();
    }
}
