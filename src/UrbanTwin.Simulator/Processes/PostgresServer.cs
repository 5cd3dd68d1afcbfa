using System.Diagnostics;

namespace UrbanTwin.Simulator.Processes;

/// <summary>
/// A real PostgreSQL server (Debian's postgresql package) on a free port with its data in a fresh directory: initdb,
/// then postgres, run as the <c>postgres</c> user when this process is root (PostgreSQL refuses to run as root).
/// Trust authentication on 127.0.0.1 only. For tests, <c>fsync</c> can be turned off (nothing here survives a crash
/// of the machine anyway); the benchmark keeps PostgreSQL's defaults.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>Debian's newest installed PostgreSQL (<c>/usr/lib/postgresql/{version}/bin</c>), unless <c>POSTGRES_BIN</c> names another.</summary>
    private static string DefaultBinaries =>
        (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [])
            .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0)).OrderByDescending(d => d.Version)
            .Select(d => Path.Combine(d.Dir, "bin")).FirstOrDefault() ?? "/usr/lib/postgresql/15/bin";
    private readonly string _program;
    private readonly string[] _arguments;
    private readonly string _logPath;
    private ServiceProcess _process = null!;

    private PostgresServer(string program, string[] arguments, string logPath, int port, string dataDirectory)
    {
        (_program, _arguments, _logPath) = (program, arguments, logPath);
        Port = port;
        DataDirectory = dataDirectory;
    }

    public int Port { get; }
    public string DataDirectory { get; }

    /// <summary>An Npgsql connection string to the <c>postgres</c> database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=20";

    /// <param name="settings">More server settings (<c>name=value</c>, as <c>postgres -c</c> takes them).</param>
    public static async Task<PostgresServer> StartAsync(string logDirectory, bool durable = false, int? port = null, IEnumerable<string>? settings = null)
    {
        var bin = Environment.GetEnvironmentVariable("POSTGRES_BIN") is { Length: > 0 } custom ? custom : DefaultBinaries;
        if (!File.Exists(Path.Combine(bin, "postgres")))
        {
            throw new InvalidOperationException($"PostgreSQL is not installed in {bin} (apt-get install -y postgresql; deploy/test.sh installs it).");
        }
        // Under /tmp (world-traversable), not the caller's directory: the postgres user must reach it.
        var data = Path.Combine(Path.GetTempPath(), "urbantwin-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(data);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["postgres:postgres", data]);
        }
        var initdb = AsServiceUser(asRoot, Path.Combine(bin, "initdb"));
        await RunAsync(initdb.Program, [.. initdb.Arguments, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
        var listenPort = port ?? Ports.Free();
        Directory.CreateDirectory(logDirectory);
        var (program, prefix) = AsServiceUser(asRoot, Path.Combine(bin, "postgres"));
        string[] options =
        [
            "-c", "listen_addresses=127.0.0.1", "-c", $"unix_socket_directories={data}", "-c", "max_connections=200",
            .. durable ? Array.Empty<string>() : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
            .. (settings ?? []).SelectMany(s => new[] { "-c", s }),
        ];
        var server = new PostgresServer(program, [.. prefix, "-D", data, "-p", listenPort.ToString(), .. options],
            Path.Combine(logDirectory, $"postgres-{listenPort}.log"), listenPort, data);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server (again, after <see cref="StopAsync"/>) on its port with its data, and waits until it listens.</summary>
    public async Task StartAgainAsync()
    {
        _process = ServiceProcess.Start("postgres", _program, _arguments, new Dictionary<string, string>(), _logPath);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await Ports.AcceptsAsync(Port))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"postgres is not listening on port {Port}. Log tail:\n{_process.LogTail()}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Fast shutdown (SIGINT): sessions end, the data stays; <see cref="StartAgainAsync"/> brings it back.</summary>
    public async Task StopAsync()
    {
        await _process.StopAsync(TimeSpan.FromSeconds(20), "INT");
        await _process.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StopAsync(TimeSpan.FromSeconds(10), "INT");
        }
        catch (TimeoutException)
        {
            // killed
        }
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static (string Program, string[] Arguments) AsServiceUser(bool asRoot, string program) =>
        asRoot ? ("/usr/bin/setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", program]) : (program, []);

    private static async Task RunAsync(string program, string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}{await output}");
        }
    }
}
