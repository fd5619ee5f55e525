using Verifier.Core.Tensors;

namespace Verifier.Core.Operators;

/// <summary>
/// What an operator factory sees of its node: attributes, constant inputs and the opset. Every attribute
/// read is marked as used; the registry reports the unused ones, so nothing in a file is silently ignored.
/// Problems are collected, not thrown, so that one load lists all of them.
/// </summary>
public sealed class OperatorContext
{
    private readonly IReadOnlyDictionary<string, AttributeValue> _attributes;
    private readonly HashSet<string> _used = new();
    private readonly List<string> _problems;
    private readonly IReadOnlyList<bool>? _inputPresent;

    public OperatorContext(string nodeName, string opType, int opset,
        IReadOnlyDictionary<string, AttributeValue> attributes, IReadOnlyList<ConstantTensor?> constantInputs,
        int outputCount, List<string> problems, IReadOnlyList<bool>? inputPresent = null)
    {
        _inputPresent = inputPresent;
        NodeName = nodeName;
        OpType = opType;
        Opset = opset;
        _attributes = attributes;
        ConstantInputs = constantInputs;
        OutputCount = outputCount;
        _problems = problems;
    }

    public string NodeName { get; }
    public string OpType { get; }
    public int Opset { get; }
    public IReadOnlyList<ConstantTensor?> ConstantInputs { get; }
    public int InputCount => ConstantInputs.Count;
    public int OutputCount { get; }

    public void Problem(string message) => _problems.Add($"{OpType} node '{NodeName}': {message}");

    public bool Has(string name) => _attributes.ContainsKey(name);

    public long Int(string name, long fallback) => Get(name, AttributeKind.Int)?.Int ?? fallback;
    public float Float(string name, float fallback) => Get(name, AttributeKind.Float)?.Float ?? fallback;
    public string String(string name, string fallback) => Get(name, AttributeKind.String)?.String ?? fallback;
    public long[]? Ints(string name) => Get(name, AttributeKind.Ints)?.Ints;
    public float[]? Floats(string name) => Get(name, AttributeKind.Floats)?.Floats;
    public ConstantTensor? TensorAttribute(string name) => Get(name, AttributeKind.Tensor)?.Tensor;

    /// <summary>An attribute that must have one specific value (for example group = 1).</summary>
    public void Require(string name, long expected, string why)
    {
        var v = Int(name, expected);
        if (v != expected) Problem($"attribute {name}={v} is not supported ({why})");
    }

    /// <summary>
    /// False for an omitted optional input (an empty name in ONNX). Importers that do not say which inputs
    /// are omitted get every listed input treated as present, so a non-constant one is reported, never ignored.
    /// </summary>
    public bool IsPresent(int input) => input < InputCount && (_inputPresent is null || _inputPresent[input]);

    public ConstantTensor? Constant(int input) => input < ConstantInputs.Count ? ConstantInputs[input] : null;

    /// <summary>A constant input that the operator needs at load time; missing ones are reported.</summary>
    public ConstantTensor? RequireConstant(int input, string what)
    {
        var c = Constant(input);
        if (c is null) Problem($"input {input} ({what}) must be a constant in the model");
        return c;
    }

    public IEnumerable<string> UnusedAttributes() => _attributes.Keys.Where(k => !_used.Contains(k)).OrderBy(k => k);

    private AttributeValue? Get(string name, AttributeKind kind)
    {
        if (!_attributes.TryGetValue(name, out var v)) return null;
        _used.Add(name);
        if (v.Kind != kind)
        {
            Problem($"attribute {name} has type {v.Kind}, expected {kind}");
            return null;
        }
        return v;
    }
}

public enum AttributeKind { Float, Int, String, Tensor, Floats, Ints, Strings, Other }

/// <summary>An attribute value as read from the model file.</summary>
public sealed record AttributeValue(AttributeKind Kind)
{
    public long Int { get; init; }
    public float Float { get; init; }
    public string? String { get; init; }
    public long[]? Ints { get; init; }
    public float[]? Floats { get; init; }
    public ConstantTensor? Tensor { get; init; }
}
