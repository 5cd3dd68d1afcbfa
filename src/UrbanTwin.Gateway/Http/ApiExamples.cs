using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using UrbanTwin.Gateway.Alarms;
using UrbanTwin.Gateway.Assets;
using UrbanTwin.Gateway.Ingest;
using UrbanTwin.Gateway.Nodes;

namespace UrbanTwin.Gateway.Http;

/// <summary>
/// Examples of what the API takes, in the OpenAPI document (the interactive reference at /docs offers them), drawn
/// from the Shanxi reference data. ContractTests checks that each validates against its own schema.
/// </summary>
public sealed class ApiExamples : IOpenApiSchemaTransformer
{
    private static readonly Dictionary<Type, string> Examples = new()
    {
        [typeof(TelemetryItemDocument)] = """{"assetId":"taiyuan-xiaodian-gas-001","ts":"2026-12-02T08:00:00+08:00","seq":42,"metrics":{"gasLel":12.5}}""",
        [typeof(AcknowledgeRequest)] = """{"by":"duty officer Li","comment":"crew dispatched"}""",
        [typeof(IndicatorImportDocument)] = """{"indicators":[{"name":"hotline.tickets","period":"2026-10","value":1200},{"name":"hotline.resolved","period":"2026-10","value":1158}]}""",
        [typeof(AssetDocument)] = """{"id":"taiyuan-xiaodian-gas-101","kind":"gas-pipeline","nodeId":"taiyuan-xiaodian","name":"Xiaodian valve well 101","location":{"lng":112.565,"lat":37.736},"reportingIntervalSeconds":60}""",
    };

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
        {
            schema.Examples = [JsonNode.Parse(example)!];
        }
        return Task.CompletedTask;
    }

    /// <summary>The schema names that carry an example (as the document names them).</summary>
    public static IEnumerable<string> SchemaNames => Examples.Keys.Select(t => t.Name);
}
