using System.Runtime.CompilerServices;

// ILGPU generates kernel launchers in a dynamic assembly that must see the internal kernel argument types.
[assembly: InternalsVisibleTo("ILGPURuntime")]
