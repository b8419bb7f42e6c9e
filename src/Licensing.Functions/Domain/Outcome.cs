namespace Licensing.Domain;

/// <summary>
/// A call refused outright (deactivate, release, info and the admin API, whose answers carry no outcome flag): its
/// reason code and a sentence for people. With <see cref="Field"/>, the refusal is about that field of the request.
/// </summary>
public sealed record Refusal(string Reason, string Detail, string? Field = null);

/// <summary>What a service decided: a value, or a <see cref="Refusal"/>.</summary>
public sealed class Outcome<T>
    where T : class
{
    private Outcome(T? value, Refusal? refusal) => (Value, Refused) = (value, refusal);

    public T? Value { get; }

    public Refusal? Refused { get; }

    /// <summary>A value as an outcome; null stays null (an attempt that lost its race, see <c>Contention</c>).</summary>
    [return: NotNullIfNotNull(nameof(value))]
    public static implicit operator Outcome<T>?(T? value) => value is null ? null : new(value, null);

    public static implicit operator Outcome<T>(Refusal refusal) => new(null, refusal);
}

/// <summary>A change that answers nothing but that it was done (a delete).</summary>
public sealed record Done
{
    public static readonly Done Instance = new();
}

/// <summary>Refusal codes beyond the contract's reason codes, for the admin API.</summary>
public static class RefusalCodes
{
    /// <summary>An unknown admin resource (an API key).</summary>
    public const string NotFound = "not_found";

    /// <summary>A license with this user key exists already.</summary>
    public const string UserKeyInUse = "user_key_in_use";

    public const string ValidationFailed = "validation_failed";

    public const string PolicyNotFound = "policy_not_found";

    /// <summary>The product has a trial policy already (at most one per product).</summary>
    public const string TrialPolicyExists = "trial_policy_exists";
}
