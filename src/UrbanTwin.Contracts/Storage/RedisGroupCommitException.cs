namespace UrbanTwin.Contracts.Storage;

/// <summary>A grain write did not reach Redis; nothing was acknowledged, and the store tries the write again.</summary>
[GenerateSerializer]
public sealed class RedisGroupCommitException : Exception
{
    public RedisGroupCommitException(string message) : base(message)
    {
    }
}
