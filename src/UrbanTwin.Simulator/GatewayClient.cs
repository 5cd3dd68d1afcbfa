namespace UrbanTwin.Simulator;

/// <summary>An HTTP client for a gateway, sending the API key in <c>URBANTWIN_API_KEY</c> when set (needed in cluster mode).</summary>
internal static class GatewayClient
{
    public const string ApiKeyVariable = "URBANTWIN_API_KEY";

    public static HttpClient Create(string url, TimeSpan timeout)
    {
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = timeout };
        if (Environment.GetEnvironmentVariable(ApiKeyVariable) is { Length: > 0 } key)
        {
            http.DefaultRequestHeaders.Add(Processes.LocalApiKey.HeaderName, key);
        }
        return http;
    }
}
