using Verifier.Core.Encoding;
using Verifier.Core.Numerics;
using Verifier.Core.Tensors;
using static Verifier.Core.Encoding.SinkExtensions;

namespace Verifier.Core.Operators;

public sealed partial class Pool
{
    public override EncodedValue Encode(EncodingContext context)
    {
        var x = context.Variables(0);
        var windows = Windows(x.Shape);
        return IsMax ? EncodeMax(context, x, windows) : EncodeAverage(context, x, windows);
    }

    /// <summary>Per output element, the flat input indices it reads (padding excluded) and its divisor.</summary>
    private (int[] Sources, int Count)[] Windows(Shape s)
    {
        int planes = s[0] * s[1], h = s[2], w = s[3];
        var (oh, ow, top, left) = Window.Output(h, w);
        var result = new (int[], int)[planes * oh * ow];
        var sources = new List<int>();
        for (int p = 0, r = 0; p < planes; p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++, r++)
                {
                    sources.Clear();
                    int count = 0;
                    for (int ky = 0; ky < Window.KernelH; ky++)
                        for (int kx = 0; kx < Window.KernelW; kx++)
                        {
                            int iy = oy * Window.StrideH - top + ky * Window.DilationH;
                            int ix = ox * Window.StrideW - left + kx * Window.DilationW;
                            bool inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                            if (inside) sources.Add((p * h + iy) * w + ix);
                            if (inside || CountIncludePad) count++;
                        }
                    result[r] = ([.. sources], count);
                }
        return result;
    }

    /// <summary>Sum then divide: count - 1 additions and one division round.</summary>
    private static EncodedValue EncodeAverage(EncodingContext context, EncodedValue x, (int[] Sources, int Count)[] windows) =>
        AffineEncoding.Encode(context, windows.Length, windows.Max(w => w.Count) + 1, (r, terms) =>
        {
            var (sources, count) = windows[r];
            var weight = new Rational(1, count);
            foreach (var i in sources) terms.Add(new AffineTerm(x, i, weight, 1.0 / count));
            return Rational.Zero;
        });

    /// <summary>
    /// Exact max (no rounding): y &gt;= x_i for every candidate, and y &lt;= x_i + (hi_y - lo_i)(1 - d_i) with
    /// exactly one d_i = 1. Candidates whose upper bound is below the largest lower bound can never be the
    /// max and are left out; a single candidate is the max outright.
    /// </summary>
    private static EncodedValue EncodeMax(EncodingContext context, EncodedValue x, (int[] Sources, int Count)[] windows)
    {
        if (windows.Any(w => w.Sources.Length == 0)) throw context.NotEncodable("a pooling window lies entirely in the padding");
        var y = context.NewOutput(
            windows.Select(w => w.Sources.Max(i => x.Lower[i])).ToArray(),
            windows.Select(w => w.Sources.Max(i => x.Upper[i])).ToArray());
        var sink = context.Sink;
        for (int r = 0; r < windows.Length; r++)
        {
            double floor = windows[r].Sources.Max(i => x.Lower[i]);
            var candidates = windows[r].Sources.Where(i => x.Upper[i] >= floor).ToArray();
            var yr = y.Variables![r];
            if (candidates.Length == 1)
            {
                sink.Add(Relation.Equal, Rational.Zero, Plus(yr), Minus(x.Variables![candidates[0]]));
                continue;
            }
            var selectors = new List<Term>();
            foreach (var i in candidates)
            {
                var xi = x.Variables![i];
                var d = sink.NewBinary();
                selectors.Add(Plus(d));
                var m = BigM(y.Upper[r] - x.Lower[i]);
                sink.Add(Relation.GreaterOrEqual, Rational.Zero, Plus(yr), Minus(xi));
                sink.Add(Relation.LessOrEqual, m, Plus(yr), Minus(xi), new Term(m, d));
            }
            sink.AddLinear(selectors, Relation.Equal, new Rational(1, 1));
        }
        return y;
    }
}
