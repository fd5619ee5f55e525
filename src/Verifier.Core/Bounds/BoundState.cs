namespace Verifier.Core.Bounds;

/// <summary>Bounds of every value of a graph over one sub-domain (a box and a set of split decisions).</summary>
public sealed class BoundState
{
    internal BoundState(BoundAnalyzer analyzer, int values, int steps, ReluSplits splits)
    {
        Analyzer = analyzer;
        Lower = new double[values][];
        Upper = new double[values][];
        Errors = new double[steps][];
        Relaxations = new LinearRelaxation?[steps];
        Splits = splits;
    }

    public BoundAnalyzer Analyzer { get; }
    internal double[][] Lower { get; }
    internal double[][] Upper { get; }

    /// <summary>Per step, the rounding error bound E of its affine or sum node, for back-substitution.</summary>
    internal double[]?[] Errors { get; }

    /// <summary>Per step, the linear relaxation of a relaxed node over its input's bounds (null: none, treat as a cut).</summary>
    internal LinearRelaxation?[] Relaxations { get; }

    public ReluSplits Splits { get; }

    /// <summary>True when the split decisions contradict each other or the box: the sub-domain is empty.</summary>
    public bool Infeasible { get; internal set; }

    /// <summary>Optimised slopes of intermediate bounds, from this domain's root (refinement reuses them).</summary>
    internal IntermediateSlopes IntermediateSlopes { get; set; } = IntermediateSlopes.None;

    public double[] InputLower => Lower[0];
    public double[] InputUpper => Upper[0];

    public ValueBounds this[string name] => Of(Analyzer.ValueId(name));
    public ValueBounds Output => Of(Analyzer.OutputId);
    internal ValueBounds Of(int id) => new(Lower[id], Upper[id]);

    /// <summary>Bounds of the input of an activation layer (after splits).</summary>
    public ValueBounds ActivationInput(ActivationLayer layer) => this[layer.InputName];

    /// <summary>Number of activation neurons whose input interval strictly contains 0.</summary>
    public int UnstableCount()
    {
        int n = 0;
        foreach (var layer in Analyzer.Activations)
        {
            var b = ActivationInput(layer);
            for (int j = 0; j < b.Length; j++)
                if (b.Lower[j] < 0 && b.Upper[j] > 0) n++;
        }
        return n;
    }

    /// <summary>
    /// Bytes of the arrays this state keeps alive for sub-domains that inherit it (bounds, error terms, relaxations;
    /// not the intermediate slopes, which every state of a search shares with its root).
    /// </summary>
    public long RetainedBytes()
    {
        long doubles = 0, ints = 0;
        foreach (var values in (double[]?[][])[Lower, Upper, Errors])
            foreach (var v in values) doubles += v?.Length ?? 0;
        foreach (var r in Relaxations)
            if (r is not null) (doubles, ints) = (doubles + r.Lower.Length + r.Upper.Length + r.LowerIntercept.Length + r.UpperIntercept.Length, ints + r.RowStart.Length + r.Index.Length);
        return 8 * doubles + 4 * ints;
    }

    public NetworkBounds ToNetworkBounds() =>
        new(Analyzer.ValueNames.Select((name, id) => (name, id)).Where(p => Lower[p.id] is not null)
            .ToDictionary(p => p.name, p => Of(p.id)));
}
