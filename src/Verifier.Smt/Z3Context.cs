using System.Runtime.InteropServices;
using Verifier.Core.Numerics;
using static Verifier.Smt.Native.Z3Native;

namespace Verifier.Smt;

/// <summary>A Z3 term; valid while the <see cref="Z3Context"/> that made it is alive.</summary>
public readonly record struct Z3Expr(IntPtr Handle);

public sealed class Z3Exception(string message) : Exception(message);

/// <summary>
/// One Z3 context (reference-counted mode). Threading: a context and everything made from it may be used by
/// one thread at a time; only <see cref="Z3Solver.Interrupt"/> may be called from another thread.
/// Memory: every term is reference-counted on creation and released together when the context is disposed,
/// deterministically; there are no finalizers, so Z3 is never entered from the GC thread (which Z3 4.8,
/// lacking concurrent dec_ref, does not allow). Use one short-lived context per query.
/// </summary>
public sealed class Z3Context : IDisposable
{
    private readonly List<IntPtr> _owned = [];
    private readonly List<Z3Solver> _solvers = [];
    private readonly IntPtr _realSort, _intSort, _boolSort;
    private IntPtr _handle;
    private int _nameCounter;

    public Z3Context()
    {
        IntPtr config;
        try { config = Z3_mk_config(); }
        catch (DllNotFoundException e)
        {
            throw new Z3Exception($"the Z3 native library was not found (install libz3.so.4, Debian package libz3-4): {e.Message}");
        }
        try
        {
            Z3_set_param_value(config, "model", "true");
            _handle = Z3_mk_context_rc(config);
        }
        finally { Z3_del_config(config); }
        if (_handle == IntPtr.Zero) throw new Z3Exception("Z3 could not create a context");
        unsafe { Z3_set_error_handler(_handle, &IgnoreError); }
        _realSort = Own(Z3_mk_real_sort(_handle)).Handle;
        _intSort = Own(Z3_mk_int_sort(_handle)).Handle;
        _boolSort = Own(Z3_mk_bool_sort(_handle)).Handle;
    }

    /// <summary>Z3's default handler would exit the process; errors are read back with Z3_get_error_code instead.</summary>
    [UnmanagedCallersOnly]
    private static void IgnoreError(IntPtr context, int code) { }

    /// <summary>The native version actually loaded, e.g. "4.8.12.0".</summary>
    public static string NativeVersion
    {
        get
        {
            var (major, minor, build, revision) = Version();
            return $"{major}.{minor}.{build}.{revision}";
        }
    }

    internal IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(Z3Context));

    /// <summary>Throws the pending Z3 error, if the last call raised one.</summary>
    internal void ThrowOnError()
    {
        int code = Z3_get_error_code(Handle);
        if (code != 0) throw new Z3Exception($"Z3 error {code}: {Marshal.PtrToStringUTF8(Z3_get_error_msg(_handle, code))}");
    }

    internal string Text(IntPtr utf8)
    {
        ThrowOnError();
        return Marshal.PtrToStringUTF8(utf8) ?? "";
    }

    /// <summary>Takes a reference on a freshly made term, released when the context is disposed.</summary>
    private Z3Expr Own(IntPtr ast)
    {
        ThrowOnError();
        if (ast == IntPtr.Zero) throw new Z3Exception("Z3 returned no term");
        Z3_inc_ref(_handle, ast);
        _owned.Add(ast);
        return new Z3Expr(ast);
    }

    private static IntPtr[] Handles(ReadOnlySpan<Z3Expr> terms)
    {
        var handles = new IntPtr[terms.Length];
        for (int i = 0; i < handles.Length; i++) handles[i] = terms[i].Handle;
        return handles;
    }

    public Z3Expr Real(Rational value) => Own(Z3_mk_numeral(Handle, value.ToString(), _realSort));
    public Z3Expr Int(long value) => Own(Z3_mk_numeral(Handle, value.ToString(System.Globalization.CultureInfo.InvariantCulture), _intSort));
    public Z3Expr True() => Own(Z3_mk_true(Handle));
    public Z3Expr False() => Own(Z3_mk_false(Handle));

    public Z3Expr RealConstant(string? name = null) => Constant(name, _realSort);
    public Z3Expr IntConstant(string? name = null) => Constant(name, _intSort);
    public Z3Expr BoolConstant(string? name = null) => Constant(name, _boolSort);

    private Z3Expr Constant(string? name, IntPtr sort)
    {
        var symbol = Z3_mk_string_symbol(Handle, name ?? $"v!{_nameCounter++}");
        ThrowOnError();
        return Own(Z3_mk_const(_handle, symbol, sort));
    }

    public Z3Expr Add(params ReadOnlySpan<Z3Expr> terms) => terms.Length == 0 ? Real(Rational.Zero) : terms.Length == 1 ? terms[0] : Own(Z3_mk_add(Handle, (uint)terms.Length, Handles(terms)));
    public Z3Expr Mul(params ReadOnlySpan<Z3Expr> terms) => terms.Length == 1 ? terms[0] : Own(Z3_mk_mul(Handle, (uint)terms.Length, Handles(terms)));
    public Z3Expr And(params ReadOnlySpan<Z3Expr> terms) => terms.Length == 0 ? True() : terms.Length == 1 ? terms[0] : Own(Z3_mk_and(Handle, (uint)terms.Length, Handles(terms)));
    public Z3Expr Or(params ReadOnlySpan<Z3Expr> terms) => terms.Length == 0 ? False() : terms.Length == 1 ? terms[0] : Own(Z3_mk_or(Handle, (uint)terms.Length, Handles(terms)));
    public Z3Expr Not(Z3Expr a) => Own(Z3_mk_not(Handle, a.Handle));
    public Z3Expr Ite(Z3Expr condition, Z3Expr then, Z3Expr otherwise) => Own(Z3_mk_ite(Handle, condition.Handle, then.Handle, otherwise.Handle));
    public Z3Expr Le(Z3Expr a, Z3Expr b) => Own(Z3_mk_le(Handle, a.Handle, b.Handle));
    public Z3Expr Ge(Z3Expr a, Z3Expr b) => Own(Z3_mk_ge(Handle, a.Handle, b.Handle));
    public Z3Expr Lt(Z3Expr a, Z3Expr b) => Own(Z3_mk_lt(Handle, a.Handle, b.Handle));
    public Z3Expr Eq(Z3Expr a, Z3Expr b) => Own(Z3_mk_eq(Handle, a.Handle, b.Handle));

    /// <summary>An Int term as a Real (for 0/1 indicators in real rows).</summary>
    public Z3Expr ToReal(Z3Expr integer) => Own(Z3_mk_int2real(Handle, integer.Handle));

    /// <summary>forall bound. body, with the bound variables given as constants (for forall-exists cross-checks).</summary>
    public Z3Expr ForAll(IReadOnlyList<Z3Expr> bound, Z3Expr body) => Quantifier(bound, body, universal: true);
    public Z3Expr Exists(IReadOnlyList<Z3Expr> bound, Z3Expr body) => Quantifier(bound, body, universal: false);

    private Z3Expr Quantifier(IReadOnlyList<Z3Expr> bound, Z3Expr body, bool universal)
    {
        var apps = new IntPtr[bound.Count];
        for (int i = 0; i < apps.Length; i++)
        {
            apps[i] = Z3_to_app(Handle, bound[i].Handle);
            ThrowOnError();
        }
        return Own(universal
            ? Z3_mk_forall_const(_handle, 0, (uint)apps.Length, apps, 0, null, body.Handle)
            : Z3_mk_exists_const(_handle, 0, (uint)apps.Length, apps, 0, null, body.Handle));
    }

    public string ToString(Z3Expr term) => Text(Z3_ast_to_string(Handle, term.Handle));

    /// <summary>
    /// A solver; <paramref name="timeout"/> is Z3's own per-check limit. <paramref name="simple"/> skips the
    /// tactic front end of the default solver (whose set-up dominates tiny queries; see README.md).
    /// </summary>
    public Z3Solver Solver(TimeSpan? timeout = null, bool simple = false)
    {
        var solver = new Z3Solver(this, timeout, simple);
        _solvers.Add(solver);
        return solver;
    }

    /// <summary>Parses Z3's rational numeral text ("-3/4", "7").</summary>
    public static Rational ParseNumeral(string text)
    {
        int slash = text.IndexOf('/');
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        try
        {
            return slash < 0
                ? new Rational(System.Numerics.BigInteger.Parse(text, culture), 1)
                : new Rational(System.Numerics.BigInteger.Parse(text[..slash], culture), System.Numerics.BigInteger.Parse(text[(slash + 1)..], culture));
        }
        catch (FormatException) { throw new Z3Exception($"Z3 returned a non-rational value '{text}'"); }
    }

    public void Dispose()
    {
        if (_handle == IntPtr.Zero) return;
        foreach (var solver in _solvers) solver.Dispose();
        foreach (var ast in _owned) Z3_dec_ref(_handle, ast);
        _owned.Clear();
        Z3_del_context(_handle);
        _handle = IntPtr.Zero;
    }
}
