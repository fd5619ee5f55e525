using System.Reflection;
using System.Runtime.InteropServices;

namespace Verifier.Smt.Native;

/// <summary>
/// P/Invoke over the stable Z3 C API (present since 4.8; Debian ships 4.8.12 as libz3.so.4). All handles
/// are opaque pointers. Strings returned by Z3 belong to the context and are copied at once.
/// </summary>
internal static partial class Z3Native
{
    private const string Library = "z3";

    static Z3Native() => NativeLibrary.SetDllImportResolver(typeof(Z3Native).Assembly, Resolve);

    /// <summary>"z3" resolves to libz3.so on a dev machine; the runtime package only has the versioned name.</summary>
    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library) return IntPtr.Zero;
        foreach (var candidate in new[] { "z3", "libz3.so.4", "libz3.so", "libz3.dylib", "libz3.dll" })
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out var handle)) return handle;
        return IntPtr.Zero;
    }

    /// <summary>Forces the resolver to be registered and the library to load; throws DllNotFoundException if absent.</summary>
    public static (uint Major, uint Minor, uint Build, uint Revision) Version()
    {
        Z3_get_version(out var major, out var minor, out var build, out var revision);
        return (major, minor, build, revision);
    }

    [LibraryImport(Library)] internal static partial void Z3_get_version(out uint major, out uint minor, out uint build, out uint revision);

    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_config();
    [LibraryImport(Library)] internal static partial void Z3_del_config(IntPtr config);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial void Z3_set_param_value(IntPtr config, string id, string value);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_context_rc(IntPtr config);
    [LibraryImport(Library)] internal static partial void Z3_del_context(IntPtr context);
    [LibraryImport(Library)] internal static unsafe partial void Z3_set_error_handler(IntPtr context, delegate* unmanaged<IntPtr, int, void> handler);
    [LibraryImport(Library)] internal static partial int Z3_get_error_code(IntPtr context);
    [LibraryImport(Library)] internal static partial IntPtr Z3_get_error_msg(IntPtr context, int code);
    [LibraryImport(Library)] internal static partial void Z3_interrupt(IntPtr context);

    [LibraryImport(Library)] internal static partial void Z3_inc_ref(IntPtr context, IntPtr ast);
    [LibraryImport(Library)] internal static partial void Z3_dec_ref(IntPtr context, IntPtr ast);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr Z3_mk_string_symbol(IntPtr context, string name);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_real_sort(IntPtr context);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_int_sort(IntPtr context);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_bool_sort(IntPtr context);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_const(IntPtr context, IntPtr symbol, IntPtr sort);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr Z3_mk_numeral(IntPtr context, string numeral, IntPtr sort);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_true(IntPtr context);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_false(IntPtr context);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_add(IntPtr context, uint count, IntPtr[] args);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_mul(IntPtr context, uint count, IntPtr[] args);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_and(IntPtr context, uint count, IntPtr[] args);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_or(IntPtr context, uint count, IntPtr[] args);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_not(IntPtr context, IntPtr a);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_ite(IntPtr context, IntPtr condition, IntPtr then, IntPtr otherwise);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_le(IntPtr context, IntPtr a, IntPtr b);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_ge(IntPtr context, IntPtr a, IntPtr b);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_lt(IntPtr context, IntPtr a, IntPtr b);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_eq(IntPtr context, IntPtr a, IntPtr b);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_int2real(IntPtr context, IntPtr a);
    [LibraryImport(Library)] internal static partial IntPtr Z3_to_app(IntPtr context, IntPtr a);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_forall_const(IntPtr context, uint weight, uint boundCount, IntPtr[] bound, uint patternCount, IntPtr[]? patterns, IntPtr body);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_exists_const(IntPtr context, uint weight, uint boundCount, IntPtr[] bound, uint patternCount, IntPtr[]? patterns, IntPtr body);
    [LibraryImport(Library)] internal static partial IntPtr Z3_get_numeral_string(IntPtr context, IntPtr a);
    [LibraryImport(Library)] internal static partial IntPtr Z3_ast_to_string(IntPtr context, IntPtr a);

    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_params(IntPtr context);
    [LibraryImport(Library)] internal static partial void Z3_params_inc_ref(IntPtr context, IntPtr parameters);
    [LibraryImport(Library)] internal static partial void Z3_params_dec_ref(IntPtr context, IntPtr parameters);
    [LibraryImport(Library)] internal static partial void Z3_params_set_uint(IntPtr context, IntPtr parameters, IntPtr key, uint value);

    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_solver(IntPtr context);
    [LibraryImport(Library)] internal static partial IntPtr Z3_mk_simple_solver(IntPtr context);
    [LibraryImport(Library)] internal static partial void Z3_solver_inc_ref(IntPtr context, IntPtr solver);
    [LibraryImport(Library)] internal static partial void Z3_solver_dec_ref(IntPtr context, IntPtr solver);
    [LibraryImport(Library)] internal static partial void Z3_solver_set_params(IntPtr context, IntPtr solver, IntPtr parameters);
    [LibraryImport(Library)] internal static partial void Z3_solver_assert(IntPtr context, IntPtr solver, IntPtr formula);
    [LibraryImport(Library)] internal static partial int Z3_solver_check(IntPtr context, IntPtr solver);
    [LibraryImport(Library)] internal static partial void Z3_solver_interrupt(IntPtr context, IntPtr solver);
    [LibraryImport(Library)] internal static partial IntPtr Z3_solver_get_model(IntPtr context, IntPtr solver);
    [LibraryImport(Library)] internal static partial IntPtr Z3_solver_get_reason_unknown(IntPtr context, IntPtr solver);
    [LibraryImport(Library)] internal static partial IntPtr Z3_solver_to_string(IntPtr context, IntPtr solver);

    [LibraryImport(Library)] internal static partial void Z3_model_inc_ref(IntPtr context, IntPtr model);
    [LibraryImport(Library)] internal static partial void Z3_model_dec_ref(IntPtr context, IntPtr model);
    [LibraryImport(Library)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool Z3_model_eval(IntPtr context, IntPtr model, IntPtr term, [MarshalAs(UnmanagedType.U1)] bool completion, out IntPtr result);
}
