namespace UrbanTwin.Contracts.Assets;

/// <summary>An asset's status: the worst level over its metrics, or offline when it has gone silent.</summary>
[GenerateSerializer]
public enum AssetStatus
{
    Normal = 0,
    Warning = 1,
    Alarm = 2,
    Offline = 3,
}

/// <summary>The level one metric of one asset is at; ordered so that the worst is the largest.</summary>
[GenerateSerializer]
public enum AlarmLevel
{
    None = 0,
    Warning = 1,
    Alarm = 2,
}

/// <summary>How a threshold compares a value with its limit.</summary>
[GenerateSerializer]
public enum Comparison
{
    /// <summary>value ≥ limit</summary>
    Gte = 0,
    /// <summary>value &gt; limit</summary>
    Gt = 1,
    /// <summary>value ≤ limit</summary>
    Lte = 2,
    /// <summary>value &lt; limit</summary>
    Lt = 3,
}
