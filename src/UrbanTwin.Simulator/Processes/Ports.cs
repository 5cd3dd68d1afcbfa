using System.Net;
using System.Net.Sockets;

namespace UrbanTwin.Simulator.Processes;

public static class Ports
{
    // Below Linux's ephemeral range (32768-60999): a port the OS hands out for an outgoing connection can never be
    // one handed out here, so a process started seconds later on it does not find it taken by a client socket.
    private const int First = 20_000;
    private const int Last = 32_767;
    private static readonly HashSet<int> Given = [];
    private static readonly Random Pick = new();

    /// <summary>A TCP port free right now on the loopback interface, never the same twice in this process.</summary>
    public static int Free()
    {
        lock (Given)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Pick.Next(First, Last + 1);
                if (!Given.Contains(port) && IsFree(port))
                {
                    Given.Add(port);
                    return port;
                }
            }
        }
        throw new InvalidOperationException($"No free TCP port between {First} and {Last}.");
    }

    /// <summary>Something accepts TCP connections on the loopback <paramref name="port"/> (a server started and listening).</summary>
    public static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
