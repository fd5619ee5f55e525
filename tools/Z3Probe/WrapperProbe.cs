using System.Reflection;
using System.Runtime.InteropServices;

namespace Verifier.Tools.Z3Probe;

/// <summary>What the official Microsoft.Z3 wrapper does here: first as shipped, then pointed at Debian's libz3.so.4.</summary>
internal static class WrapperProbe
{
    public static void Run()
    {
        Console.WriteLine($"Microsoft.Z3 {typeof(Microsoft.Z3.Context).Assembly.GetName().Version}, as shipped: {Attempt()}");
        NativeLibrary.SetDllImportResolver(typeof(Microsoft.Z3.Context).Assembly, (name, assembly, path) =>
            NativeLibrary.TryLoad("libz3.so.4", assembly, path, out var handle) ? handle : IntPtr.Zero);
        Console.WriteLine($"Microsoft.Z3 pointed at libz3.so.4 (4.8.12): {Attempt()}");
    }

    private static string Attempt()
    {
        try
        {
            using var context = new Microsoft.Z3.Context();
            return "context created";
        }
        catch (Exception e)
        {
            var inner = e is TargetInvocationException or TypeInitializationException && e.InnerException is not null ? e.InnerException : e;
            return $"{inner.GetType().Name}: {inner.Message.Split('\n')[0]}";
        }
    }
}
