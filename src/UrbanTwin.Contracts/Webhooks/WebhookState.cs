namespace UrbanTwin.Contracts.Webhooks;

/// <summary>Whether a subscription delivers: paused by its owner, or disabled by the twin (410, or failing for too long).</summary>
public enum WebhookState
{
    Active,
    Paused,
    Disabled,
}
