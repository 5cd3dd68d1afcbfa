using System.Reflection;

namespace UrbanTwin.Gateway.Http;

/// <summary>
/// A query parameter an endpoint does not take is refused (400 naming it) instead of ignored: <c>?stauts=alarm</c>
/// must not answer every asset as if no filter had been asked for. The parameters an endpoint takes are its
/// handler's simple parameters (strings and numbers bound by name), read once when the endpoint is built.
/// </summary>
public static class KnownQueryParameters
{
    public static TBuilder RefuseUnknownQueryParameters<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var known = factory.MethodInfo.GetParameters().Where(IsBoundByName).Select(p => p.Name!).ToHashSet(StringComparer.Ordinal);
            return async invocation =>
            {
                foreach (var name in invocation.HttpContext.Request.Query.Keys)
                {
                    if (!known.Contains(name))
                    {
                        return Problems.Invalid(name, known.Count == 0
                            ? "this operation takes no query parameters"
                            : $"not a parameter of this operation (it takes {string.Join(", ", known.Order(StringComparer.Ordinal))})");
                    }
                }
                return await next(invocation);
            };
        });
        return builder;
    }

    private static bool IsBoundByName(ParameterInfo parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        return parameter.Name is not null && (type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(DateTimeOffset));
    }
}
