namespace UrbanTwin.Gateway.Security;

/// <summary>What a key may do. Every role reads; the others add one kind of change each, and admin has them all.</summary>
public enum ApiRole
{
    /// <summary>GET only.</summary>
    Reader,

    /// <summary>Pushes telemetry and registers assets.</summary>
    Writer,

    /// <summary>Acknowledges alarms and manages webhook subscriptions (an operations-center seat).</summary>
    Operator,

    /// <summary>Everything, including topology, indicators and the key list.</summary>
    Admin,
}

/// <summary>The kinds of access an endpoint asks for; each is an authorization policy of the same name.</summary>
public enum Permission
{
    Read,
    Write,
    Acknowledge,
    Subscribe,
    Administer,
}

public static class Permissions
{
    public static bool Grants(this ApiRole role, Permission permission) => role switch
    {
        ApiRole.Admin => true,
        ApiRole.Writer => permission is Permission.Read or Permission.Write,
        ApiRole.Operator => permission is Permission.Read or Permission.Acknowledge or Permission.Subscribe,
        _ => permission is Permission.Read,
    };

    public static string PolicyName(this Permission permission) => "urbantwin." + permission.ToString().ToLowerInvariant();

    public static string Describe(Permission permission) => permission switch
    {
        Permission.Write => "the writer or admin role",
        Permission.Acknowledge or Permission.Subscribe => "the operator or admin role",
        Permission.Administer => "the admin role",
        _ => "any role",
    };
}
