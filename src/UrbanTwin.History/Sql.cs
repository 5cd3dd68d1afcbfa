using Npgsql;

namespace UrbanTwin.History;

internal static class Sql
{
    /// <summary>A positional parameter (<c>$1</c>, <c>$2</c>…) of its CLR type.</summary>
    public static NpgsqlParameter Arg<T>(T value) => new NpgsqlParameter<T> { TypedValue = value };
}
