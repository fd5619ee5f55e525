using System.Text.Json;

namespace Verifier.Formats.Keras;

/// <summary>
/// One layer's "config" object. Like ONNX attributes, every key read is marked used; keys that are
/// neither read nor known to be irrelevant at inference are reported, so no setting is silently ignored.
/// </summary>
internal sealed class KerasLayerConfig(string className, string name, JsonElement config, List<string> problems)
{
    /// <summary>Keys that do not change what a trained layer computes at inference.</summary>
    private static readonly HashSet<string> Irrelevant =
    [
        "name", "trainable", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
        "activity_regularizer", "kernel_constraint", "bias_constraint", "seed", "noise_shape", "rate",
    ];

    private readonly JsonElement _config = config;
    private readonly HashSet<string> _used = new();

    public string ClassName { get; } = className;
    public string Name { get; } = name;

    public void Problem(string message) => problems.Add($"{ClassName} layer '{Name}': {message}");

    public string String(string key, string fallback)
    {
        var v = Get(key);
        if (v is null) return fallback;
        if (v.Value.ValueKind == JsonValueKind.String) return v.Value.GetString()!;
        Problem($"'{key}' must be a string, got {v.Value}");
        return fallback;
    }

    public bool Bool(string key, bool fallback)
    {
        var v = Get(key);
        if (v is null) return fallback;
        if (v.Value.ValueKind is JsonValueKind.True or JsonValueKind.False) return v.Value.GetBoolean();
        Problem($"'{key}' must be true or false, got {v.Value}");
        return fallback;
    }

    /// <summary>A positive integer, at most <paramref name="max"/>.</summary>
    public int Int(string key, int max)
    {
        var v = Get(key);
        if (v is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var i) && i >= 1 && i <= max) return (int)i;
        Problem($"'{key}' must be an integer in 1..{max}, got {(v is null ? "nothing" : v.Value.ToString())}");
        return 1;
    }

    /// <summary>A pair of positive integers (Keras also accepts one integer for both).</summary>
    public (int, int)? Pair(string key, int max)
    {
        var v = Get(key);
        if (v is null) return null;
        if (v.Value.ValueKind == JsonValueKind.Number) { int k = Int(key, max); return (k, k); }
        if (v.Value.ValueKind == JsonValueKind.Array && v.Value.GetArrayLength() == 2 &&
            v.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var x) && x >= 1 && x <= max))
            return (v.Value[0].GetInt32(), v.Value[1].GetInt32());
        Problem($"'{key}' must be two integers in 1..{max}, got {v.Value}");
        return null;
    }

    /// <summary>A shape such as batch_input_shape: [null or int, dims...]. Null entries are returned as null.</summary>
    public long?[]? Shape(string key)
    {
        var v = Get(key);
        if (v is null) return null;
        if (v.Value.ValueKind == JsonValueKind.Array && v.Value.EnumerateArray().All(e => e.ValueKind is JsonValueKind.Null or JsonValueKind.Number))
            return v.Value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? (long?)null : e.TryGetInt64(out var x) ? x : -1).ToArray();
        Problem($"'{key}' must be a list of dimensions, got {v.Value}");
        return null;
    }

    /// <summary>A key that must be absent, null, or one harmless value (for example groups = 1).</summary>
    public void Require(string key, string expectedJson, string why)
    {
        var v = Get(key);
        if (v is null || v.Value.ValueKind == JsonValueKind.Null) return;
        var text = JsonSerializer.Serialize(v.Value);
        if (Normalise(text) != Normalise(expectedJson)) Problem($"{key}={text} is not supported ({why})");
    }

    /// <summary>Keras 2 writes dtype "float32"; Keras 3 writes a DTypePolicy object named "float32".</summary>
    public void RequireFloat32()
    {
        var v = Get("dtype");
        if (v is not { } d) return;
        string? name = d.ValueKind == JsonValueKind.String ? d.GetString()
            : d.ValueKind == JsonValueKind.Object && d.TryGetProperty("config", out var policy) && policy.ValueKind == JsonValueKind.Object
              && policy.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        if (name != "float32") Problem($"dtype {d} is not supported (only float32 layers)");
    }

    /// <summary>Reports the keys nothing read; called once the layer has been translated.</summary>
    public void ReportUnusedKeys()
    {
        if (_config.ValueKind != JsonValueKind.Object) return;
        foreach (var p in _config.EnumerateObject())
            if (!_used.Contains(p.Name) && !Irrelevant.Contains(p.Name))
                Problem($"setting '{p.Name}' is not supported");
    }

    private JsonElement? Get(string key)
    {
        _used.Add(key);
        return _config.ValueKind == JsonValueKind.Object && _config.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
    }

    private static string Normalise(string json) => json.Replace(" ", "", StringComparison.Ordinal);
}
