namespace Verifier.Core.Encoding;

/// <summary>
/// The network contains a construct with no exact linear encoding (Sigmoid, Tanh, Softmax, products of
/// two variables). An exact solver answers Unknown with this message rather than approximating.
/// </summary>
public sealed class NotEncodableException(string message) : Exception(message);
