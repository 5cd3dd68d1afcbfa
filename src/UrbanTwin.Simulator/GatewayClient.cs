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

    /// <summary>
    /// Null when the gateway takes this client's key (or needs none); otherwise what to tell the user, so that a run
    /// against a gateway in keys mode does not go on to report every write as refused.
    /// </summary>
    public static async Task<string?> AccessProblemAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/api/v1/auth/me");
            return response.StatusCode switch
            {
                System.Net.HttpStatusCode.Unauthorized => Environment.GetEnvironmentVariable(ApiKeyVariable) is { Length: > 0 }
                    ? $"the gateway at {http.BaseAddress} does not know the key in {ApiKeyVariable}"
                    : $"the gateway at {http.BaseAddress} needs an API key: set {ApiKeyVariable} (a local cluster's is in .cluster/api-key)",
                _ => null,
            };
        }
        catch (HttpRequestException ex)
        {
            return $"the gateway at {http.BaseAddress} does not answer: {ex.Message}";
        }
    }
}
