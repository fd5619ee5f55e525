using System.Globalization;
using Verifier.Core.Errors;
using Verifier.Pipeline;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Verifier.Gate.Config;

/// <summary>
/// Reads a gate config strictly: every key is known, every value has the right type and range, every file
/// exists. Errors name the file, the line and the key path (e.g. `checks[1].thresholds.min_verified`).
/// </summary>
public static class GateConfigLoader
{
    public static GateConfig Load(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, "config file not found");
        var text = File.ReadAllText(path);
        if (text.Length > 1 << 20) throw new InputException(path, "config file is larger than 1 MiB");
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e) { throw new InputException(path, $"line {e.Start.Line}: invalid YAML: {e.Message}"); }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new InputException(path, "the config must be one YAML mapping");
        var reader = new Reader(path, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        return reader.Gate(root);
    }

    private sealed class Reader(string path, string baseDirectory)
    {
        public GateConfig Gate(YamlMappingNode root)
        {
            var map = Keys(root, "", "version", "seed", "undecided", "checks");
            if (map.TryGetValue("version", out var v) && Int(v, "version") != 1) throw Error(v, "version", "only version 1 is supported");
            int seed = map.TryGetValue("seed", out var s) ? Int(s, "seed") : 0;
            var undecided = map.TryGetValue("undecided", out var u) ? Enum<UndecidedPolicy>(u, "undecided") : UndecidedPolicy.Fail;
            if (!map.TryGetValue("checks", out var checksNode) || checksNode is not YamlSequenceNode checks || checks.Children.Count == 0)
                throw Error(root, "checks", "a non-empty list of checks is required");
            var list = checks.Children.Select((c, i) => Check(c, $"checks[{i}]")).ToList();
            var duplicate = list.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw Error(checks, "checks", $"check name '{duplicate.Key}' is used twice");
            return new GateConfig(path, seed, undecided, list);
        }

        private CheckConfig Check(YamlNode node, string at)
        {
            var map = Keys(node, at, "name", "model", "vnnlib", "robustness", "dlv", "methods", "timeout", "budget", "thresholds");
            string name = map.TryGetValue("name", out var n) ? Str(n, $"{at}.name") : throw Error(node, $"{at}.name", "is required");
            string model = map.TryGetValue("model", out var m) ? ExistingFile(m, $"{at}.model") : throw Error(node, $"{at}.model", "is required");
            var sources = new[] { "vnnlib", "robustness", "dlv" }.Where(map.ContainsKey).ToList();
            if (sources.Count != 1) throw Error(node, at, "needs exactly one of 'vnnlib', 'robustness' or 'dlv'");
            var vnnlib = map.TryGetValue("vnnlib", out var vn) ? Specs(vn, $"{at}.vnnlib") : null;
            var robustness = map.TryGetValue("robustness", out var r) ? Robustness(r, $"{at}.robustness") : null;
            var dlv = map.TryGetValue("dlv", out var d) ? Dlv(d, $"{at}.dlv") : null;
            var methods = map.TryGetValue("methods", out var me)
                ? Seq(me, $"{at}.methods").Select((x, i) => Enum<AnalysisMethod>(x, $"{at}.methods[{i}]")).ToList()
                : [AnalysisMethod.Attack, AnalysisMethod.Complete];
            if (methods.Count == 0) throw Error(node, $"{at}.methods", "must list at least one method");
            double timeout = map.TryGetValue("timeout", out var t) ? Positive(t, $"{at}.timeout") : 30;
            double? budget = map.TryGetValue("budget", out var b) ? Positive(b, $"{at}.budget") : null;
            var thresholds = map.TryGetValue("thresholds", out var th) ? Thresholds(th, $"{at}.thresholds") : new Thresholds(1.0, 0);
            return new CheckConfig(name, model, vnnlib, robustness, dlv, methods, timeout, budget, thresholds);
        }

        private Thresholds Thresholds(YamlNode node, string at)
        {
            var map = Keys(node, at, "min_verified", "max_falsified");
            double minVerified = map.TryGetValue("min_verified", out var mv) ? Double(mv, $"{at}.min_verified") : 1.0;
            if (minVerified is < 0 or > 1) throw Error(mv!, $"{at}.min_verified", $"must be a fraction in [0, 1], got {minVerified}");
            int maxFalsified = map.TryGetValue("max_falsified", out var mf) ? Int(mf, $"{at}.max_falsified") : 0;
            if (maxFalsified < 0) throw Error(mf!, $"{at}.max_falsified", "must be >= 0");
            return new Thresholds(minVerified, maxFalsified);
        }

        private RobustnessConfig Robustness(YamlNode node, string at)
        {
            var map = Keys(node, at, "images", "labels", "start", "count", "eps", "range", "scale");
            string images = map.TryGetValue("images", out var i) ? ExistingFile(i, $"{at}.images") : throw Error(node, $"{at}.images", "is required");
            string labels = map.TryGetValue("labels", out var l) ? ExistingFile(l, $"{at}.labels") : throw Error(node, $"{at}.labels", "is required");
            int start = map.TryGetValue("start", out var s) ? Int(s, $"{at}.start") : 0;
            int count = map.TryGetValue("count", out var c) ? Int(c, $"{at}.count") : 10;
            if (start < 0 || count <= 0 || count > 100_000) throw Error(node, $"{at}.count", "start must be >= 0 and count in 1..100000");
            if (!map.TryGetValue("eps", out var e)) throw Error(node, $"{at}.eps", "is required");
            var eps = e is YamlSequenceNode ? Seq(e, $"{at}.eps").Select((x, k) => Double(x, $"{at}.eps[{k}]")).ToList() : [Double(e, $"{at}.eps")];
            if (eps.Count == 0 || eps.Any(x => !(x >= 0) || !double.IsFinite(x))) throw Error(e, $"{at}.eps", "needs finite values >= 0");
            double lo = 0, hi = 1;
            if (map.TryGetValue("range", out var rg))
            {
                var range = Seq(rg, $"{at}.range");
                if (range.Count != 2) throw Error(rg, $"{at}.range", "must be [lower, upper]");
                (lo, hi) = (Double(range[0], $"{at}.range[0]"), Double(range[1], $"{at}.range[1]"));
                if (!(lo < hi)) throw Error(rg, $"{at}.range", "lower must be below upper");
            }
            double scale = map.TryGetValue("scale", out var sc) ? Positive(sc, $"{at}.scale") : 1.0 / 255;
            return new RobustnessConfig(images, labels, start, count, eps, lo, hi, scale);
        }

        private DlvCheckConfig Dlv(YamlNode node, string at)
        {
            var map = Keys(node, at, "images", "labels", "start", "count", "search", "features", "feature_dims", "span", "num_span");
            string images = map.TryGetValue("images", out var i) ? ExistingFile(i, $"{at}.images") : throw Error(node, $"{at}.images", "is required");
            string labels = map.TryGetValue("labels", out var l) ? ExistingFile(l, $"{at}.labels") : throw Error(node, $"{at}.labels", "is required");
            int start = map.TryGetValue("start", out var s) ? Int(s, $"{at}.start") : 0;
            int count = map.TryGetValue("count", out var c) ? Int(c, $"{at}.count") : 10;
            if (start < 0 || count <= 0 || count > 100_000) throw Error(node, $"{at}.count", "start must be >= 0 and count in 1..100000");
            var search = map.TryGetValue("search", out var se) ? Enum<Verifier.Dlv.Search.SearchStrategy>(se, $"{at}.search") : Verifier.Dlv.Search.SearchStrategy.Heuristic;
            int PositiveInt(string key, int fallback) => map.TryGetValue(key, out var v)
                ? (Int(v, $"{at}.{key}") is > 0 and var x ? x : throw Error(v, $"{at}.{key}", "must be > 0"))
                : fallback;
            double span = map.TryGetValue("span", out var sp) ? Positive(sp, $"{at}.span") : 1.0;
            return new DlvCheckConfig(images, labels, start, count, search, PositiveInt("features", 150), PositiveInt("feature_dims", 5), span, PositiveInt("num_span", 1));
        }

        private List<string> Specs(YamlNode node, string at)
        {
            var patterns = node is YamlSequenceNode ? Seq(node, at).Select((x, i) => Str(x, $"{at}[{i}]")).ToList() : [Str(node, at)];
            var files = new List<string>();
            foreach (var pattern in patterns)
            {
                var matches = Glob.Expand(baseDirectory, pattern);
                if (matches.Count == 0) throw Error(node, at, $"'{pattern}' matches no file");
                files.AddRange(matches);
            }
            return files.Distinct().ToList();
        }

        private Dictionary<string, YamlNode> Keys(YamlNode node, string at, params string[] allowed)
        {
            if (node is not YamlMappingNode map) throw Error(node, at, "must be a mapping");
            var result = new Dictionary<string, YamlNode>();
            foreach (var (k, v) in map.Children)
            {
                var key = (k as YamlScalarNode)?.Value ?? "";
                var full = at.Length == 0 ? key : $"{at}.{key}";
                if (!allowed.Contains(key)) throw Error(k, full, $"unknown key (allowed: {string.Join(", ", allowed)})");
                if (!result.TryAdd(key, v)) throw Error(k, full, "is given twice");
            }
            return result;
        }

        private List<YamlNode> Seq(YamlNode node, string at) =>
            node is YamlSequenceNode s ? s.Children.ToList() : throw Error(node, at, "must be a list");

        private string Str(YamlNode node, string at) =>
            node is YamlScalarNode { Value: { Length: > 0 } v } ? v : throw Error(node, at, "must be a non-empty string");

        private int Int(YamlNode node, string at) =>
            int.TryParse(Str(node, at), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw Error(node, at, "must be an integer");

        private double Double(YamlNode node, string at) =>
            double.TryParse(Str(node, at), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : throw Error(node, at, "must be a number");

        private double Positive(YamlNode node, string at) => Double(node, at) is var v && v > 0 ? v : throw Error(node, at, "must be > 0");

        private T Enum<T>(YamlNode node, string at) where T : struct, Enum =>
            System.Enum.TryParse<T>(Str(node, at), ignoreCase: true, out var v) && System.Enum.IsDefined(v)
                ? v
                : throw Error(node, at, $"must be one of {string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");

        private string ExistingFile(YamlNode node, string at)
        {
            var file = System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, Str(node, at)));
            return File.Exists(file) ? file : throw Error(node, at, $"file not found: {file}");
        }

        private InputException Error(YamlNode node, string key, string problem) =>
            new(path, $"line {node.Start.Line}: {key}: {problem}");
    }
}
