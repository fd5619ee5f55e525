using QuikGraph;
using QuikGraph.Algorithms;
using Verifier.Core.Errors;
using Verifier.Core.Operators;
using Verifier.Core.Tensors;

namespace Verifier.Core.Graph;

/// <summary>
/// Collects inputs, constants and nodes from an importer and validates them into a <see cref="NetworkGraph"/>:
/// unique producers, no dangling edges, no cycles (QuikGraph), finite constants, and consistent shapes.
/// Every problem found is reported against the source file; structural problems are listed together.
/// </summary>
public sealed class NetworkGraphBuilder(string source, string format)
{
    private readonly List<Node> _nodes = new();
    private readonly Dictionary<string, ConstantTensor> _constants = new();
    private readonly Dictionary<string, Shape> _inputs = new();
    private readonly List<string> _inputOrder = new();
    private readonly List<string> _outputs = new();

    public string Source { get; } = source;

    public NetworkGraphBuilder AddInput(string name, Shape shape)
    {
        if (!_inputs.TryAdd(name, shape)) throw new InputException(Source, $"input '{name}' is declared twice");
        _inputOrder.Add(name);
        return this;
    }

    public NetworkGraphBuilder AddConstant(string name, ConstantTensor value)
    {
        if (!_constants.TryAdd(name, value)) throw new InputException(Source, $"constant '{name}' is declared twice");
        return this;
    }

    public bool IsConstant(string name) => _constants.ContainsKey(name);
    public ConstantTensor? Constant(string name) => _constants.GetValueOrDefault(name);

    public NetworkGraphBuilder AddNode(Node node)
    {
        _nodes.Add(node);
        return this;
    }

    public NetworkGraphBuilder AddOutput(string name)
    {
        _outputs.Add(name);
        return this;
    }

    /// <summary>A fresh value name not used by anything added so far.</summary>
    public string FreshName(string stem)
    {
        var used = _nodes.SelectMany(n => n.Outputs).Concat(_constants.Keys).Concat(_inputs.Keys).ToHashSet();
        for (int i = 0; ; i++)
            if (!used.Contains($"{stem}_{i}")) return $"{stem}_{i}";
    }

    public NetworkGraph Build()
    {
        foreach (var (name, c) in _constants)
        {
            int bad = c.FirstNonFinite();
            if (bad >= 0) throw new InputException(Source, $"weight tensor '{name}' holds {c.Floats![bad]} at element {bad} (NaN/Inf weights are rejected)");
        }
        if (_inputOrder.Count == 0) throw new InputException(Source, "the network has no data input");
        if (_outputs.Count == 0) throw new InputException(Source, "the network has no output");

        var producer = new Dictionary<string, Node>();
        var problems = new List<string>();
        foreach (var node in _nodes)
            foreach (var o in node.Outputs)
                if (_inputs.ContainsKey(o) || _constants.ContainsKey(o) || !producer.TryAdd(o, node))
                    problems.Add($"value '{o}' is produced more than once (by {node})");
        foreach (var node in _nodes)
            foreach (var i in node.Inputs)
                if (i.Length > 0 && !producer.ContainsKey(i) && !_inputs.ContainsKey(i) && !_constants.ContainsKey(i))
                    problems.Add($"{node} reads '{i}', which nothing produces");
        foreach (var o in _outputs)
            if (!producer.ContainsKey(o) && !_inputs.ContainsKey(o))
                problems.Add($"graph output '{o}' is not produced by any node");
        if (problems.Count > 0) throw new InputException(Source, "malformed graph: " + string.Join("; ", problems));

        var ordered = TopologicalOrder(producer);
        var shapes = new Dictionary<string, Shape>(_inputs);
        foreach (var (name, c) in _constants) shapes[name] = c.Shape;
        foreach (var node in ordered)
        {
            var inShapes = node.Inputs.Select(i => i.Length == 0 ? Shape.Scalar : shapes[i]).ToList();
            Shape[] outShapes;
            try { outShapes = node.Operator.InferShapes(inShapes); }
            catch (ShapeException e) { throw new InputException(Source, $"shape mismatch at {node}: {e.Message}"); }
            catch (ArgumentException e) { throw new InputException(Source, $"shape mismatch at {node}: {e.Message}"); }
            if (outShapes.Length < node.Outputs.Count)
                throw new InputException(Source, $"{node} declares {node.Outputs.Count} outputs but computes {outShapes.Length}");
            for (int k = 0; k < node.Outputs.Count; k++) shapes[node.Outputs[k]] = outShapes[k];
        }

        // Keep only the nodes the outputs depend on, so dead branches cannot affect analyses.
        var live = new HashSet<string>(_outputs);
        var kept = new List<Node>();
        for (int k = ordered.Count - 1; k >= 0; k--)
        {
            var node = ordered[k];
            if (!node.Outputs.Any(live.Contains)) continue;
            kept.Add(node);
            foreach (var i in node.Inputs) live.Add(i);
        }
        kept.Reverse();
        var usedConstants = _constants.Where(c => live.Contains(c.Key)).ToDictionary();
        var dataInputs = _inputOrder.Where(live.Contains).ToList();
        if (dataInputs.Count == 0) throw new InputException(Source, "the outputs do not depend on any data input");
        return new NetworkGraph(Source, format, kept, usedConstants, shapes, dataInputs, _outputs.ToList());
    }

    private List<Node> TopologicalOrder(Dictionary<string, Node> producer)
    {
        var graph = new AdjacencyGraph<Node, Edge<Node>>();
        graph.AddVertexRange(_nodes);
        foreach (var node in _nodes)
            foreach (var i in node.Inputs)
                if (producer.TryGetValue(i, out var from)) graph.AddEdge(new Edge<Node>(from, node));
        try
        {
            return graph.TopologicalSort().ToList();
        }
        catch (NonAcyclicGraphException)
        {
            var cyclic = _nodes.Where(n => graph.OutEdges(n).Any()).Select(n => n.ToString()).Take(5);
            throw new InputException(Source, "the graph has a cycle (among " + string.Join(", ", cyclic) + ")");
        }
    }
}
