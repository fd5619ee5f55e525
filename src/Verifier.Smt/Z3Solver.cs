using Verifier.Core.Numerics;
using static Verifier.Smt.Native.Z3Native;

namespace Verifier.Smt;

public enum Z3Status { Unsat = -1, Unknown = 0, Sat = 1 }

/// <summary>A Z3 solver of one <see cref="Z3Context"/>; disposed with it at the latest.</summary>
public sealed class Z3Solver : IDisposable
{
    private readonly Z3Context _context;
    private readonly Lock _gate = new();
    private IntPtr _solver, _model;

    internal Z3Solver(Z3Context context, TimeSpan? timeout, bool simple)
    {
        _context = context;
        var ctx = context.Handle;
        _solver = simple ? Z3_mk_simple_solver(ctx) : Z3_mk_solver(ctx);
        context.ThrowOnError();
        Z3_solver_inc_ref(ctx, _solver);
        if (timeout is { } t)
        {
            var parameters = Z3_mk_params(ctx);
            Z3_params_inc_ref(ctx, parameters);
            try
            {
                uint ms = (uint)Math.Clamp(Math.Ceiling(t.TotalMilliseconds), 1, uint.MaxValue);
                Z3_params_set_uint(ctx, parameters, Z3_mk_string_symbol(ctx, "timeout"), ms);
                Z3_solver_set_params(ctx, _solver, parameters);
                context.ThrowOnError();
            }
            finally { Z3_params_dec_ref(ctx, parameters); }
        }
    }

    private IntPtr Solver => _solver != IntPtr.Zero ? _solver : throw new ObjectDisposedException(nameof(Z3Solver));

    public void Assert(Z3Expr formula)
    {
        Z3_solver_assert(_context.Handle, Solver, formula.Handle);
        _context.ThrowOnError();
    }

    /// <summary>Sat, Unsat or Unknown (timeout, interrupt, incompleteness: see <see cref="ReasonUnknown"/>).</summary>
    public Z3Status Check()
    {
        ReleaseModel();
        var status = (Z3Status)Z3_solver_check(_context.Handle, Solver);
        _context.ThrowOnError();
        if (status == Z3Status.Sat)
        {
            _model = Z3_solver_get_model(_context.Handle, _solver);
            _context.ThrowOnError();
            Z3_model_inc_ref(_context.Handle, _model);
        }
        return status;
    }

    /// <summary>Stops a running <see cref="Check"/>; the only member safe to call from another thread.</summary>
    public void Interrupt()
    {
        lock (_gate)
        {
            if (_solver != IntPtr.Zero) Z3_solver_interrupt(_context.Handle, _solver);
        }
    }

    public string ReasonUnknown => _context.Text(Z3_solver_get_reason_unknown(_context.Handle, Solver));

    /// <summary>The exact value of a real term in the model of the last satisfiable check.</summary>
    public Rational Value(Z3Expr term)
    {
        if (_model == IntPtr.Zero) throw new InvalidOperationException("no model: the last check was not sat");
        var ctx = _context.Handle;
        if (!Z3_model_eval(ctx, _model, term.Handle, true, out var value) || value == IntPtr.Zero)
        {
            _context.ThrowOnError();
            throw new Z3Exception("Z3 could not evaluate the term in the model");
        }
        Z3_inc_ref(ctx, value);
        try { return Z3Context.ParseNumeral(_context.Text(Z3_get_numeral_string(ctx, value))); }
        finally { Z3_dec_ref(ctx, value); }
    }

    /// <summary>The assertions in SMT-LIB2, for debugging and for feeding an external z3.</summary>
    public override string ToString() => _context.Text(Z3_solver_to_string(_context.Handle, Solver));

    private void ReleaseModel()
    {
        if (_model == IntPtr.Zero) return;
        Z3_model_dec_ref(_context.Handle, _model);
        _model = IntPtr.Zero;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_solver == IntPtr.Zero) return;
            ReleaseModel();
            Z3_solver_dec_ref(_context.Handle, _solver);
            _solver = IntPtr.Zero;
        }
    }
}
