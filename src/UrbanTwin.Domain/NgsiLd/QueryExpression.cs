using System.Globalization;
using System.Text.RegularExpressions;

namespace UrbanTwin.Domain.NgsiLd;

/// <summary>A <c>q</c> that is not the NGSI-LD query language; the message says where and what was expected.</summary>
public sealed class QuerySyntaxException(string message) : Exception(message);

/// <summary>
/// An attribute as a query names it: <c>attr</c>, a sub-attribute path <c>attr.sub</c> (or <c>attr.observedAt</c>),
/// and members of a structured value <c>attr[member][member]</c>. Names are as written (terms of the request's context).
/// </summary>
public sealed record AttributePath(string[] Names, string[] Members)
{
    public string Attribute => Names[0];

    public override string ToString() => string.Join('.', Names) + string.Concat(Members.Select(m => $"[{m}]"));
}

/// <summary>
/// What a query evaluates against: the value at an attribute path, or null when there is none. Values are
/// <see cref="double"/>, <see cref="string"/>, <see cref="bool"/>, <see cref="DateTimeOffset"/>, or an array of them.
/// </summary>
public delegate object? QueryTarget(AttributePath path);

/// <summary>
/// The NGSI-LD query language (ETSI GS CIM 009 clause 4.9, the <c>q</c> of queries and subscriptions), parsed once and
/// evaluated against any entity (<see cref="Matches"/>). Terms: an attribute alone (it exists), <c>!attr</c> (it does
/// not), comparisons <c>== != &gt; &gt;= &lt; &lt;=</c> with a number, a quoted string, a date-time, a date or a time;
/// <c>==</c>/<c>!=</c> also with <c>true</c>/<c>false</c>, a value list <c>a,b,c</c>, a range <c>a..b</c> or a URI;
/// patterns <c>~=</c> and <c>!~=</c>. Terms join with <c>;</c> (and) and <c>|</c> (or), <c>;</c> binding tighter, and
/// group in parentheses. A target that is an array matches when one of its elements does; values of different types
/// are unequal and do not compare.
/// </summary>
public abstract class QueryExpression
{
    /// <summary>Longest <c>q</c> taken, and the deepest nesting of parentheses.</summary>
    public const int MaxLength = 4096;
    public const int MaxDepth = 16;
    /// <summary>The most a regular expression of a query (here, and an <c>idPattern</c>) may take on one value or id.</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(50);

    public abstract bool Matches(QueryTarget target);

    /// <summary>Every attribute path the query names (to map each from the request's context, or to check it exists).</summary>
    public abstract IEnumerable<AttributePath> Paths { get; }

    /// <summary>The same query with every attribute path rewritten (its names mapped from one context to another).</summary>
    public abstract QueryExpression MapPaths(Func<AttributePath, AttributePath> map);

    public static QueryExpression Parse(string q)
    {
        if (q.Length > MaxLength)
        {
            throw new QuerySyntaxException($"longer than {MaxLength} characters");
        }
        var parser = new Parser(q);
        var expression = parser.ParseOr(depth: 0);
        if (!parser.AtEnd)
        {
            throw parser.Error("';', '|' or the end");
        }
        return expression;
    }

    private sealed class Or(QueryExpression[] parts) : QueryExpression
    {
        public override bool Matches(QueryTarget target) => parts.Any(p => p.Matches(target));
        public override IEnumerable<AttributePath> Paths => parts.SelectMany(p => p.Paths);
        public override QueryExpression MapPaths(Func<AttributePath, AttributePath> map) => new Or([.. parts.Select(p => p.MapPaths(map))]);
    }

    private sealed class And(QueryExpression[] parts) : QueryExpression
    {
        public override bool Matches(QueryTarget target) => parts.All(p => p.Matches(target));
        public override IEnumerable<AttributePath> Paths => parts.SelectMany(p => p.Paths);
        public override QueryExpression MapPaths(Func<AttributePath, AttributePath> map) => new And([.. parts.Select(p => p.MapPaths(map))]);
    }

    private sealed class Exists(AttributePath path, bool negated) : QueryExpression
    {
        public override bool Matches(QueryTarget target) => (target(path) is not null) != negated;
        public override IEnumerable<AttributePath> Paths => [path];
        public override QueryExpression MapPaths(Func<AttributePath, AttributePath> map) => new Exists(map(path), negated);
    }

    private enum Op { Equal, Unequal, Greater, GreaterEqual, Less, LessEqual, Pattern, NotPattern }

    private sealed class Term(AttributePath path, Op op, object[] values, bool range, Regex? pattern) : QueryExpression
    {
        public override IEnumerable<AttributePath> Paths => [path];
        public override QueryExpression MapPaths(Func<AttributePath, AttributePath> map) => new Term(map(path), op, values, range, pattern);

        public override bool Matches(QueryTarget target)
        {
            var value = target(path);
            if (value is null)
            {
                return false; // a term on an attribute that is not there does not hold, whatever its operator
            }
            var candidates = value as object[] ?? [value];
            return op == Op.Unequal || op == Op.NotPattern
                ? candidates.All(Holds) // != and !~= hold when no element is equal or matching
                : candidates.Any(Holds);
        }

        private bool Holds(object candidate) => op switch
        {
            Op.Equal => range ? InRange(candidate) : values.Any(v => Compare(candidate, v) == 0),
            Op.Unequal => range ? !InRange(candidate) : values.All(v => Compare(candidate, v) != 0),
            Op.Greater => Compare(candidate, values[0]) is > 0,
            Op.GreaterEqual => Compare(candidate, values[0]) is >= 0,
            Op.Less => Compare(candidate, values[0]) is < 0,
            Op.LessEqual => Compare(candidate, values[0]) is <= 0,
            Op.Pattern => candidate is string text && pattern!.IsMatch(text),
            Op.NotPattern => !(candidate is string text && pattern!.IsMatch(text)),
            _ => false,
        };

        private bool InRange(object candidate) => Compare(candidate, values[0]) is >= 0 && Compare(candidate, values[1]) is <= 0;

        /// <summary>The order of two values of one type; null for values of different types, which neither equal nor order.</summary>
        private static int? Compare(object target, object query) => (target, query) switch
        {
            (double a, double b) => a.CompareTo(b),
            (string a, string b) => string.CompareOrdinal(a, b),
            (bool a, bool b) => a.CompareTo(b),
            (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
            (string a, DateTimeOffset b) when DateTimeOffset.TryParse(a, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) => at.CompareTo(b),
            _ => null,
        };
    }

    /// <summary>Recursive descent over the grammar of clause 4.9.</summary>
    private sealed class Parser(string text)
    {
        private int _at;

        public bool AtEnd => _at >= text.Length;

        public QuerySyntaxException Error(string expected) =>
            new(_at >= text.Length ? $"expected {expected} at the end" : $"expected {expected} at position {_at + 1} ('{text[_at..Math.Min(text.Length, _at + 12)]}')");

        public QueryExpression ParseOr(int depth)
        {
            var parts = new List<QueryExpression> { ParseAnd(depth) };
            while (Peek('|'))
            {
                _at++;
                parts.Add(ParseAnd(depth));
            }
            return parts.Count == 1 ? parts[0] : new Or([.. parts]);
        }

        private QueryExpression ParseAnd(int depth)
        {
            var parts = new List<QueryExpression> { ParsePrimary(depth) };
            while (Peek(';'))
            {
                _at++;
                parts.Add(ParsePrimary(depth));
            }
            return parts.Count == 1 ? parts[0] : new And([.. parts]);
        }

        private QueryExpression ParsePrimary(int depth)
        {
            if (Peek('('))
            {
                if (depth >= MaxDepth)
                {
                    throw new QuerySyntaxException($"nested deeper than {MaxDepth} parentheses");
                }
                _at++;
                var inner = ParseOr(depth + 1);
                if (!Peek(')'))
                {
                    throw Error("')'");
                }
                _at++;
                return inner;
            }
            if (Peek('!') && !Peek("!=") && !Peek("!~="))
            {
                _at++;
                return new Exists(ParsePath(), negated: true);
            }
            var path = ParsePath();
            if (AtEnd || Peek(';') || Peek('|') || Peek(')'))
            {
                return new Exists(path, negated: false);
            }
            var op = ParseOperator();
            if (op is Op.Pattern or Op.NotPattern)
            {
                var source = ReadUntilTermEnd();
                try
                {
                    return new Term(path, op, [], false, new Regex(source, RegexOptions.CultureInvariant, PatternTimeout));
                }
                catch (ArgumentException ex)
                {
                    throw new QuerySyntaxException($"the pattern after {path} is not a regular expression: {ex.Message}");
                }
            }
            var first = ParseValue();
            if (op is Op.Equal or Op.Unequal)
            {
                if (Peek(".."))
                {
                    _at += 2;
                    var last = ParseValue();
                    if (first.GetType() != last.GetType() || first is bool)
                    {
                        throw new QuerySyntaxException($"the range after {path} joins values of different types or booleans");
                    }
                    return new Term(path, op, [first, last], true, null);
                }
                var list = new List<object> { first };
                while (Peek(','))
                {
                    _at++;
                    list.Add(ParseValue());
                }
                return new Term(path, op, [.. list], false, null);
            }
            if (first is bool)
            {
                throw new QuerySyntaxException($"{path}: true and false are compared with == and != only");
            }
            return new Term(path, op, [first], false, null);
        }

        private AttributePath ParsePath()
        {
            var names = new List<string> { ReadName() };
            while (Peek('.') && !Peek(".."))
            {
                _at++;
                names.Add(ReadName());
            }
            var members = new List<string>();
            while (Peek('['))
            {
                _at++;
                members.Add(ReadName());
                if (!Peek(']'))
                {
                    throw Error("']'");
                }
                _at++;
            }
            return new AttributePath([.. names], [.. members]);
        }

        /// <summary>An attribute name: a term or a compact or absolute IRI (letters, digits, and <c>_ - : / # @</c>).</summary>
        private string ReadName()
        {
            var start = _at;
            while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] is '_' or '-' or ':' or '/' or '#' or '@'))
            {
                _at++;
            }
            if (_at == start)
            {
                throw Error("an attribute name");
            }
            return text[start.._at];
        }

        private Op ParseOperator()
        {
            foreach (var (token, op) in Operators)
            {
                if (Peek(token))
                {
                    _at += token.Length;
                    return op;
                }
            }
            throw Error("an operator (==, !=, >, >=, <, <=, ~=, !~=)");
        }

        private static readonly (string, Op)[] Operators =
        [
            ("==", Op.Equal), ("!~=", Op.NotPattern), ("!=", Op.Unequal), (">=", Op.GreaterEqual), ("<=", Op.LessEqual),
            (">", Op.Greater), ("<", Op.Less), ("~=", Op.Pattern),
        ];

        /// <summary>A number, a quoted string, true or false, a date-time, a date, a time, or a URI (taken as a string).</summary>
        private object ParseValue()
        {
            if (Peek('"'))
            {
                var end = text.IndexOf('"', _at + 1);
                if (end < 0)
                {
                    throw Error("a closing '\"'");
                }
                var quoted = text[(_at + 1)..end];
                _at = end + 1;
                return quoted;
            }
            var start = _at;
            while (_at < text.Length && text[_at] is not (';' or '|' or ')' or ',') && !Peek(".."))
            {
                _at++;
            }
            var raw = text[start.._at];
            if (raw.Length == 0)
            {
                throw Error("a value");
            }
            if (raw is "true" or "false")
            {
                return raw == "true";
            }
            if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
                && (char.IsDigit(raw[^1]) || raw[^1] == '.'))
            {
                return number;
            }
            if (raw.Contains('T') && DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                return at;
            }
            if (Regex.IsMatch(raw, @"^\d{4}-\d{2}-\d{2}$") && DateTimeOffset.TryParse(raw + "T00:00:00Z", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var day))
            {
                return day;
            }
            if (raw.Contains(':') && Uri.TryCreate(raw, UriKind.Absolute, out _))
            {
                return raw; // a URI, compared as text (a Relationship's object)
            }
            throw new QuerySyntaxException($"'{raw}' is not a number, a quoted string, true, false, a date-time or a URI (strings are quoted)");
        }

        /// <summary>A pattern runs to the next <c>;</c> or <c>|</c>, or to a <c>)</c> that closes a group it did not open.</summary>
        private string ReadUntilTermEnd()
        {
            var (start, depth) = (_at, 0);
            for (; _at < text.Length; _at++)
            {
                var c = text[_at];
                if (c == '\\')
                {
                    _at++; // an escaped character, whatever it is
                    continue;
                }
                if (c is ';' or '|' || (c == ')' && depth == 0))
                {
                    break;
                }
                depth += c switch { '(' => 1, ')' => -1, _ => 0 };
            }
            return text[start..Math.Min(_at, text.Length)];
        }

        private bool Peek(char c) => _at < text.Length && text[_at] == c;

        private bool Peek(string token) => string.CompareOrdinal(text, _at, token, 0, token.Length) == 0;
    }
}
