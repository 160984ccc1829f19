/**
 * A TCP forwarder on loopback that a test can cut: in front of the machine's PostgreSQL it
 * simulates a database outage for one hub without touching the shared server. cut() destroys
 * every open connection and refuses new ones (accepted, then closed at once, as a server that
 * is going down does). blackhole() destroys every open connection and then answers nothing:
 * new connections are accepted and never hear back, as when packets to a vanished host are
 * dropped; they stay silent even after restore(), as a real half-open connection does.
 * restore() lets new connections through again.
 */
import net from "node:net";

export interface CuttableProxy {
  /** The port the proxy listens on (127.0.0.1). */
  port: number;
  /** Connections accepted and forwarded since start. */
  readonly forwarded: number;
  cut(): void;
  blackhole(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startCuttableProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<CuttableProxy> {
  const sockets = new Set<net.Socket>();
  let mode: "open" | "refuse" | "silent" = "open";
  let forwarded = 0;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    if (mode === "refuse") {
      client.destroy();
      return;
    }
    if (mode === "silent") {
      client.resume(); // read and drop whatever the client sends
      return;
    }
    forwarded++;
    const upstream = net.connect(targetPort, targetHost);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once("close", () => upstream.destroy());
    upstream.once("close", () => client.destroy());
  });
  const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
  return {
    port,
    get forwarded() {
      return forwarded;
    },
    cut() {
      mode = "refuse";
      for (const socket of sockets) socket.destroy();
    },
    blackhole() {
      mode = "silent";
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      mode = "open";
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
