namespace Hotline;

/// <summary>
/// A domain rule said no. <see cref="Code"/> is the stable machine code the API returns in problem+json
/// (e.g. <c>seat.not_logged_in</c>); <see cref="CurrentState"/> names the state that forbade it.
/// </summary>
[GenerateSerializer, Alias("hotline.DomainException")]
public sealed class DomainException : Exception
{
    public DomainException(string code, string message, string? currentState = null, int status = 409)
        : base(message)
    {
        Code = code;
        CurrentState = currentState;
        Status = status;
    }

    [Id(0)] public string Code { get; }
    [Id(1)] public string? CurrentState { get; }
    /// <summary>The HTTP status the API maps this to: 409 for a forbidden transition, 400/404/422 otherwise.</summary>
    [Id(2)] public int Status { get; }
}
