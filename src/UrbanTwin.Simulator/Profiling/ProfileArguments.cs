namespace UrbanTwin.Simulator.Profiling;

/// <summary><c>profile --pid PID [--seconds N] [--alloc] [--top N] [--out FILE.nettrace]</c>; every value checked before anything is attached.</summary>
public static class ProfileArguments
{
    public static (ProfileOptions? Options, string? Problem) Parse(string[] args)
    {
        int? pid = null;
        int seconds = 10, top = 30;
        var kind = ProfileKind.Cpu;
        string? output = null;
        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--pid" when int.TryParse(value, out var p) && p > 0:
                    pid = p;
                    i++;
                    break;
                case "--seconds" when int.TryParse(value, out var s) && s is > 0 and <= 600:
                    seconds = s;
                    i++;
                    break;
                case "--top" when int.TryParse(value, out var t) && t is > 0 and <= 1000:
                    top = t;
                    i++;
                    break;
                case "--out" when !string.IsNullOrWhiteSpace(value):
                    output = value;
                    i++;
                    break;
                case "--alloc":
                    kind = ProfileKind.Alloc;
                    break;
                default:
                    return (null, $"profile: '{args[i]}' is not understood here (--pid takes a process id, --seconds 1 to 600, --top 1 to 1000)");
            }
        }
        if (pid is null)
        {
            return (null, "profile needs --pid PID: the process id of a running gateway or silo");
        }
        return (new ProfileOptions(pid.Value, TimeSpan.FromSeconds(seconds), kind, top,
            output ?? Path.Combine(Path.GetTempPath(), $"urbantwin-{pid}-{kind.ToString().ToLowerInvariant()}.nettrace")), null);
    }
}
