
namespace UrbanTwin.Simulator.Processes;

/// <summary>
/// A real Mosquitto broker on a free port with its persistence file in a temporary directory: the sessions and queued
/// QoS 1 messages of clients that are away (a gateway killed and restarting) are kept. Anonymous, or with a password
/// and an ACL file as deployed.
/// </summary>
public sealed class MosquittoServer : IAsyncDisposable
{
    private readonly ServiceProcess _process;

    private MosquittoServer(ServiceProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Uri => $"mqtt://127.0.0.1:{Port}";

    /// <param name="auth">Mosquitto's password and ACL files: clients must then log in, and may do what the ACL says.</param>
    public static async Task<MosquittoServer> StartAsync(string directory, (string PasswordFile, string AclFile)? auth = null)
    {
        var program = Binaries.Program("mosquitto", "apt-get install -y mosquitto; deploy/test.sh installs it");
        var home = Path.Combine(directory, "mosquitto");
        Directory.CreateDirectory(home);
        var port = Ports.Free();
        var config = Path.Combine(home, "mosquitto.conf");
        await File.WriteAllLinesAsync(config,
        [
            $"listener {port} 127.0.0.1",
            auth is null ? "allow_anonymous true" : "allow_anonymous false",
            auth is { } files ? $"password_file {files.PasswordFile}" : "",
            auth is { } acl ? $"acl_file {acl.AclFile}" : "",
            "persistence true",
            $"persistence_location {home}/",
            // As deploy/ configures it: enough in flight for throughput, and a deep queue for a consumer that is away.
            "max_inflight_messages 1000",
            "max_queued_messages 1000000",
            "log_type error",
            "log_type warning",
            "log_type notice",
            // Run as whoever starts it (root in CI would otherwise switch to the mosquitto user and lose the directory).
            Environment.UserName == "root" ? "user root" : "",
        ]);
        var process = ServiceProcess.Start("mosquitto", program, ["-c", config], new Dictionary<string, string>(), Path.Combine(home, "mosquitto.log"));
        var server = new MosquittoServer(process, port);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await Ports.AcceptsAsync(server.Port))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"mosquitto is not listening on port {port}. Log tail:\n{process.LogTail()}");
            }
            await Task.Delay(50);
        }
        return server;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
