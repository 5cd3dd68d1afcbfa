namespace UrbanTwin.Gateway.Tests.Contract;

/// <summary>
/// Checks every exchange a test makes with the gateway against the OpenAPI document, and fails the call (the test
/// that made it) with the violations when the API and its document disagree.
/// </summary>
public sealed class ContractCheckingHandler(OpenApiContract contract) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string? requestBody = null;
        if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken);
            requestBody = await request.Content.ReadAsStringAsync(cancellationToken);
        }
        var response = await base.SendAsync(request, cancellationToken);
        var responseType = response.Content.Headers.ContentType?.MediaType;
        if (responseType == "text/event-stream")
        {
            return response; // a stream: its events are checked by the live-stream tests
        }
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var violations = contract.Check(request.Method.Method, request.RequestUri!, request.Content?.Headers.ContentType?.MediaType, requestBody,
            (int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), body);
        if (violations.Count > 0)
        {
            response.Dispose();
            throw new ContractViolationException(string.Join(Environment.NewLine, violations));
        }
        return response;
    }
}

public sealed class ContractViolationException(string message) : Exception("The API and its OpenAPI document disagree:" + Environment.NewLine + message);
