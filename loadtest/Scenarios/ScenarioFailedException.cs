namespace Hotline.LoadTest.Scenarios;

/// <summary>The scenario could not run (no silo, a setup call refused); the message says what to fix.</summary>
public sealed class ScenarioFailedException(string message, Exception? inner = null) : Exception(message, inner);
