using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Api.Problems;

/// <summary>Collects every invalid field of a request, so one 400 names them all.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    /// <summary>Every field's messages, for edges that answer in another error format (Open311).</summary>
    public IEnumerable<(string Field, string Message)> Entries => _errors.SelectMany(e => e.Value.Select(m => (e.Key, m)));

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages)) _errors[field] = messages = [];
        messages.Add(message);
        return this;
    }

    /// <summary>Adds <paramref name="message"/> unless <paramref name="ok"/>.</summary>
    public FieldErrors Check(bool ok, string field, string message) => ok ? this : Add(field, message);

    public FieldErrors Range(int? value, int min, int max, string field)
    {
        if (value is { } v && (v < min || v > max)) Add(field, $"Must be between {min} and {max}.");
        return this;
    }

    public bool TryGetProblem([NotNullWhen(true)] out ValidationProblem? problem)
    {
        problem = Any ? ApiProblems.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray())) : null;
        return problem is not null;
    }
}
