using System.Diagnostics;

namespace UrbanTwin.Simulator.Processes;

/// <summary>
/// A real child process (redis-server, a silo, a gateway) with its output appended to a log file. It can be
/// stopped gracefully (SIGTERM, what Kubernetes sends) or killed outright (SIGKILL, a crash).
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private static readonly List<ServiceProcess> Running = [];
    private readonly Process _process;

    static ServiceProcess()
    {
        // Whatever way this process ends (Environment.Exit, an unhandled exception, the end of a test run), the
        // servers it started must not live on and load the machine for whatever runs next.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            lock (Running)
            {
                foreach (var process in Running)
                {
                    process.Kill();
                }
            }
        };
    }

    private ServiceProcess(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
        lock (Running)
        {
            Running.Add(this);
        }
    }

    public string Name { get; }
    public string LogPath { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    public static ServiceProcess Start(string name, string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        // exec through sh so the output goes straight to the file (no pipe for this process to drain) and the pid is
        // the program's own.
        // A .NET app's content root (appsettings.json, wwwroot) is its working directory: start it in its own folder.
        var workingDirectory = arguments.FirstOrDefault(a => a.EndsWith(".dll", StringComparison.Ordinal)) is { } dll
            ? Path.GetDirectoryName(dll)! : Environment.CurrentDirectory;
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workingDirectory };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$@\" >>\"$UT_LOG\" 2>&1");
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add(program);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["UT_LOG"] = logPath;
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{name} did not start.");
        return new ServiceProcess(name, process, logPath);
    }

    /// <summary>SIGKILL: no shutdown code runs, like a crashed pod or a lost node.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    /// <summary>SIGTERM (or <paramref name="signal"/>: PostgreSQL's fast shutdown is INT) and wait for the exit; returns the exit code. Killed if it does not exit in time.</summary>
    public async Task<int> StopAsync(TimeSpan timeout, string signal = "TERM")
    {
        if (_process.HasExited)
        {
            return _process.ExitCode;
        }
        await SignalAsync(signal);
        return await WaitForExitAsync(timeout);
    }

    /// <summary>SIGSTOP: the process stops answering without closing a connection (a hung host), until <see cref="ResumeAsync"/>.</summary>
    public Task FreezeAsync() => SignalAsync("STOP");

    /// <summary>SIGCONT after <see cref="FreezeAsync"/>.</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    private async Task SignalAsync(string signal)
    {
        // The shell's own kill builtin: no dependency on a kill binary being installed.
        using var kill = Process.Start("/bin/sh", ["-c", $"kill -{signal} {_process.Id}"])!;
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits for the process to end by itself; killed (and a TimeoutException) if it has not within <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds} s; killed. Log: {LogPath}");
        }
        return _process.ExitCode;
    }

    public string LogTail(int lines = 40) =>
        File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(lines)) : "(no log)";

    public ValueTask DisposeAsync()
    {
        lock (Running)
        {
            Running.Remove(this);
        }
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
