using Verifier.Compute.Backends;
using Verifier.Core.Errors;

namespace Verifier.Compute.Ilgpu;

/// <summary>
/// Picks a backend for --device cpu|cuda|auto. CUDA is selected explicitly (ILGPU's preferred-device choice does
/// not favour it); auto uses it when a device exists and otherwise the SIMD CPU backend, never the simulator.
/// </summary>
public static class ComputeBackends
{
    public static IComputeBackend Create(string device) => device.ToLowerInvariant() switch
    {
        "cpu" => new CpuBackend(),
        "cuda" => IlgpuBackend.TryCreateCuda() ?? throw new InputException("--device", "no CUDA device is available (use --device cpu or auto)"),
        "auto" => (IComputeBackend?)IlgpuBackend.TryCreateCuda() ?? new CpuBackend(),
        _ => throw new InputException("--device", $"unknown device '{device}' (expected cpu, cuda or auto)"),
    };
}
