using Verifier.Core.Graph;

namespace Verifier.Formats.Keras;

public static class KerasImporter
{
    public static NetworkGraph Load(string path, ModelLoadOptions options) => throw new NotImplementedException("KerasImporter is being written");
}
