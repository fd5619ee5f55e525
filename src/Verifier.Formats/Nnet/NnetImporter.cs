using Verifier.Core.Graph;

namespace Verifier.Formats.Nnet;

public static class NnetImporter
{
    public static NetworkGraph Load(string path, ModelLoadOptions options) => throw new NotImplementedException("NnetImporter is being written");
}
