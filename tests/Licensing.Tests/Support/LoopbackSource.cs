using System.Net;
using System.Net.Sockets;

namespace Licensing.Tests.Support;

/// <summary>
/// HTTP clients whose connections leave from a chosen loopback address (any 127.x.y.z works on Linux), so a test can
/// be a caller at another address than the others without trusting any header.
/// </summary>
public static class LoopbackSource
{
    public static HttpClient Client(Uri baseAddress, string sourceAddress)
    {
        var source = IPAddress.Parse(sourceAddress);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }
}
