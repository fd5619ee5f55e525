using System.Diagnostics;
using Verifier.Core.Bounds;
using Verifier.Core.Numerics;
using Verifier.Core.Specifications;
using Verifier.Smt;
using Verifier.Tools.Z3Probe;

// Measures the Z3 options on this machine; the numbers go to src/Verifier.Smt/README.md.
// Usage: Z3Probe [shared-dir] [small-query-count] [box-fraction] [skip-small] [layers]
var shared = args.Length > 0 ? args[0] : "/work/shared";
int count = args.Length > 1 ? int.Parse(args[1]) : 300;
double fraction = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 0.1;

Console.WriteLine($"native libz3 loaded by the owned binding: {Z3Context.NativeVersion}");
WrapperProbe.Run();

if (args.Length > 3 && args[3].Length > 0) count = 0;
if (count > 0)
{
    var queries = SmallQueries.Generate(count, seed: 1);
    var owned = Time(() => queries.Select(q => SmallQueries.SolveOwned(q, simple: true)).ToArray());
    var ownedDefault = Time(() => queries.Select(q => SmallQueries.SolveOwned(q, simple: false)).ToArray());
    var shared1 = Time(() => SmallQueries.SolveOwnedSharedContext(queries));
    var external = Time(() => SmallQueries.SolveExternal(queries));
    Console.WriteLine($"{count} small LRA queries: owned binding {owned.Ms:F0} ms ({owned.Ms / count:F2} ms/query, simple solver, context per query), " +
        $"{ownedDefault.Ms:F0} ms ({ownedDefault.Ms / count:F2} ms/query, default tactic solver, context per query), " +
        $"{shared1.Ms:F0} ms ({shared1.Ms / count:F2} ms/query, simple solver, one context), z3 -in {external.Ms:F0} ms ({external.Ms / count:F2} ms/query); " +
        $"sat {owned.Value.Count(r => r.StartsWith("sat"))}, answers agree: {owned.Value.Select(r => r.Split(' ')[0]).SequenceEqual(external.Value)}, " +
        $"owned models satisfy their query exactly: {queries.Zip(owned.Value).All(p => SmallQueries.ModelHolds(p.First, p.Second))}");
}

var acas = Path.Combine(shared, "benchmarks/acasxu/nnet/ACASXU_run2a_1_1_batch_2000.nnet");
int layers = args.Length > 4 ? int.Parse(args[4]) : 2;
NetworkQuery.Run(acas, layers, fraction, satisfiable: true, TimeSpan.FromSeconds(30));

static (double Ms, T Value) Time<T>(Func<T> f)
{
    var clock = Stopwatch.StartNew();
    var value = f();
    return (clock.Elapsed.TotalMilliseconds, value);
}
