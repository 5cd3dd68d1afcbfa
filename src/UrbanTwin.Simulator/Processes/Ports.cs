using System.Net;
using System.Net.Sockets;

namespace UrbanTwin.Simulator.Processes;

public static class Ports
{
    /// <summary>A TCP port free right now on the loopback interface.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
