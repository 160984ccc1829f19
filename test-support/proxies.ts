/**
 * Minimal forward proxies for tests, on loopback: an HTTP proxy that tunnels CONNECT, and a
 * SOCKS5 proxy (no authentication, CONNECT only). Each records the targets it tunnelled to.
 */
import net from "node:net";

export interface TestProxy {
  url: string;
  targets: string[];
  close(): Promise<void>;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
}

function closer(server: net.Server, sockets: Set<net.Socket>) {
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

export async function startConnectProxy(): Promise<TestProxy> {
  const targets: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.once("data", (head) => {
      const line = head.toString("latin1").split("\r\n")[0];
      const match = /^CONNECT ([^ ]+) HTTP/.exec(line);
      if (!match) return client.end("HTTP/1.1 405 Method Not Allowed\r\n\r\n");
      targets.push(match[1]);
      const [host, port] = match[1].split(":");
      const upstream = net.connect(Number(port), host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream);
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, targets, close: closer(server, sockets) };
}

export async function startSocks5Proxy(): Promise<TestProxy> {
  const targets: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    let stage = 0;
    client.on("data", function onData(data) {
      if (stage === 0) {
        // greeting: VER, NMETHODS, METHODS → choose "no authentication"
        client.write(Buffer.from([5, 0]));
        stage = 1;
        return;
      }
      client.off("data", onData);
      // request: VER CMD RSV ATYP DST.ADDR DST.PORT
      const atyp = data[3];
      let host: string;
      let offset: number;
      if (atyp === 1) {
        host = [...data.subarray(4, 8)].join(".");
        offset = 8;
      } else if (atyp === 3) {
        const len = data[4];
        host = data.toString("latin1", 5, 5 + len);
        offset = 5 + len;
      } else {
        return client.end(Buffer.from([5, 8, 0, 1, 0, 0, 0, 0, 0, 0]));
      }
      const port = data.readUInt16BE(offset);
      targets.push(`${host}:${port}`);
      const upstream = net.connect(port, host, () => {
        client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream);
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
  });
  const port = await listen(server);
  return { url: `socks5://127.0.0.1:${port}`, targets, close: closer(server, sockets) };
}
