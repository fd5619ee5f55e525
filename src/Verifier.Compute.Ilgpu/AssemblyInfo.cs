namespace Verifier.Compute.Ilgpu;
