using System.Net;
using System.Net.Sockets;

namespace UrbanTwin.Gateway.Tests;

/// <summary>Free loopback ports for the co-hosted silos of in-process gateways.</summary>
internal static class Ports
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
