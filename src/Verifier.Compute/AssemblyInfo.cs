namespace Verifier.Compute;
