namespace Hotline.Common;

/// <summary>A setting that stops start-up; the host prints its message as one line and exits with code 2.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
