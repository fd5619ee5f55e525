namespace Verifier.Compute.Attacks;

/// <summary>
/// The allowed perturbations of one image: within eps of the original (L-infinity or L2) and within the valid
/// input range. Projection works in float32 but rounds inward, so a projected point passes the exact check.
/// </summary>
internal static class Ball
{
    /// <summary>
    /// The float interval a coordinate with original value <paramref name="origin"/> may take: the input range,
    /// intersected for L-infinity with [origin - eps, origin + eps], rounded inward.
    /// </summary>
    public static (float Lower, float Upper) Bounds(float origin, AttackOptions options)
    {
        if (options.Norm != Norm.Linf) return (options.InputMin, options.InputMax);
        float lo = InwardUp(Math.Max(options.InputMin, origin - options.Epsilon));
        float hi = InwardDown(Math.Min(options.InputMax, origin + options.Epsilon));
        return (lo, Math.Max(lo, hi));
    }

    /// <summary>Projects row r of <paramref name="rows"/> onto the ball (L2: radial scaling first) and its intervals.</summary>
    public static void Project(ActiveRows rows, int r, AttackOptions options)
    {
        if (options.Norm == Norm.Linf)
        {
            rows.Clamp(r);
            return;
        }
        var x = rows.Row(r);
        var origin = rows.OriginRow(r);
        double norm = Distance(x, origin);
        double scale = norm > options.Epsilon ? options.Epsilon / norm : 1;
        for (int attempt = 0; attempt < 60; attempt++)
        {
            for (int i = 0; i < x.Length; i++) x[i] = (float)(origin[i] + (x[i] - origin[i]) * scale);
            rows.Clamp(r);
            if (Distance(x, origin) <= options.Epsilon) return;
            // float rounding pushed the point just outside: shrink a little more and try again.
            scale = 0.999;
        }
        origin.CopyTo(x);
    }

    public static bool Contains(ReadOnlySpan<float> x, ReadOnlySpan<float> origin, AttackOptions options)
    {
        for (int i = 0; i < x.Length; i++)
            if (!(x[i] >= options.InputMin && x[i] <= options.InputMax)) return false;
        if (options.Norm == Norm.L2) return Distance(x, origin) <= options.Epsilon;
        for (int i = 0; i < x.Length; i++)
            if (!(Math.Abs((double)x[i] - origin[i]) <= options.Epsilon)) return false;
        return true;
    }

    private static double Distance(ReadOnlySpan<float> x, ReadOnlySpan<float> origin)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double e = (double)x[i] - origin[i];
            s += e * e;
        }
        return Math.Sqrt(s);
    }

    /// <summary>The smallest float at or above v.</summary>
    public static float InwardUp(double v)
    {
        float f = (float)v;
        return f < v ? MathF.BitIncrement(f) : f;
    }

    /// <summary>The largest float at or below v.</summary>
    public static float InwardDown(double v)
    {
        float f = (float)v;
        return f > v ? MathF.BitDecrement(f) : f;
    }
}
