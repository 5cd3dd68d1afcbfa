using StackExchange.Redis;

namespace UrbanTwin.Simulator.Processes;

/// <summary>A real redis-server on a free port with AOF in a temporary directory; it can be stopped and started again on the same data.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _program;
    private ServiceProcess? _process;

    private RedisServer(string program, string directory, int port, string? password)
    {
        _program = program;
        Directory = directory;
        Port = port;
        Password = password;
    }

    public string Directory { get; }
    public int Port { get; }

    /// <summary>When set, Redis requires it (<c>requirepass</c>) and <see cref="ConnectionString"/> carries it.</summary>
    public string? Password { get; }

    public string ConnectionString => Password is null ? $"127.0.0.1:{Port}" : $"127.0.0.1:{Port},password={Password}";

    public static async Task<RedisServer> StartAsync(string directory, string? password = null)
    {
        var program = Binaries.Program("redis-server", "apt-get install -y redis-server; deploy/test.sh installs it");
        var server = new RedisServer(program, directory, Ports.Free(), password);
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "redis"));
        _process = ServiceProcess.Start("redis", _program,
            ["--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", Path.Combine(Directory, "redis"),
             "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
             .. (Password is null ? Array.Empty<string>() : ["--requirepass", Password])],
            new Dictionary<string, string>(), Path.Combine(Directory, "redis.log"));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await PingAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server is not answering on port {Port}. Log tail:\n{_process.LogTail()}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>SIGTERM: Redis writes and syncs its AOF and exits, as on a planned restart.</summary>
    public Task StopAsync() => _process!.StopAsync(TimeSpan.FromSeconds(20));

    /// <summary>Redis hangs (SIGSTOP): connections stay open, nothing is answered, until <see cref="ResumeAsync"/>.</summary>
    public Task FreezeAsync() => _process!.FreezeAsync();

    public Task ResumeAsync() => _process!.ResumeAsync();

    /// <summary>Number of calls Redis has served for one command (from INFO commandstats), e.g. "evalsha".</summary>
    public async Task<long> CommandCallsAsync(string command)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",allowAdmin=true");
        var info = await connection.GetServer($"127.0.0.1:{Port}").InfoAsync("commandstats");
        var stats = info.SelectMany(g => g).FirstOrDefault(kv => kv.Key == $"cmdstat_{command}").Value;
        if (stats is null)
        {
            return 0;
        }
        var calls = stats.Split(',').First(part => part.StartsWith("calls=", StringComparison.Ordinal));
        return long.Parse(calls["calls=".Length..]);
    }

    public ValueTask DisposeAsync() => _process?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task<bool> PingAsync()
    {
        try
        {
            var options = ConfigurationOptions.Parse(ConnectionString);
            options.ConnectTimeout = 500;
            options.AbortOnConnectFail = true;
            await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
            await connection.GetDatabase().PingAsync();
            return true;
        }
        catch (RedisException)
        {
            return false;
        }
    }
}
