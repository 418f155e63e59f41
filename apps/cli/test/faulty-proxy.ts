/**
 * A raw-TCP HTTP proxy in front of a test registry that records each request's path and query
 * and can spoil plugin downloads (`GET /files/<digest>`): cut the connection halfway through the
 * body, flip a byte, or answer 500. Raw TCP, because only a socket closed mid-body shows what a
 * dropped connection does to a client.
 */
export type Fault = "none" | "truncate" | "corrupt" | "server-error";

export interface FaultyProxy {
  readonly url: string;
  /** Path and query of every request, in order. */
  readonly requests: string[];
  fault: Fault;
  stop(): void;
}

const DOWNLOAD = /^\/files\/[0-9a-f]{64}$/;

export function startFaultyProxy(target: string): FaultyProxy {
  const requests: string[] = [];
  const proxy = {
    requests,
    fault: "none" as Fault,
  };
  const pending = new Map<object, string>();
  const unsent = new Map<object, Uint8Array>();
  /** Writes what the socket takes, and closes it once everything is out. */
  const flush = (socket: { write(data: Uint8Array): number; end(): void }) => {
    const rest = unsent.get(socket);
    if (rest === undefined) return;
    const written = socket.write(rest);
    if (written < rest.length) {
      unsent.set(socket, rest.subarray(Math.max(0, written)));
      return;
    }
    unsent.delete(socket);
    socket.end();
  };
  const server = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      async data(socket, chunk) {
        const text = (pending.get(socket) ?? "") + chunk.toString("latin1");
        if (!text.includes("\r\n\r\n")) {
          pending.set(socket, text);
          return;
        }
        pending.delete(socket);
        const [method = "GET", path = "/"] = (text.split("\r\n")[0] ?? "").split(" ");
        requests.push(path);
        const upstream = await fetch(`${target}${path}`, { method });
        let body = new Uint8Array(await upstream.arrayBuffer());
        let status = upstream.status;
        const download = DOWNLOAD.test(path) && status === 200;
        if (download && proxy.fault === "server-error") {
          status = 500;
          body = new TextEncoder().encode("storage failure");
        }
        if (download && proxy.fault === "corrupt") body[body.length >> 1] = (body[body.length >> 1] ?? 0) ^ 0xff;
        const type = upstream.headers.get("content-type") ?? "application/octet-stream";
        const head = new TextEncoder().encode(
          `HTTP/1.1 ${status} X\r\ncontent-type: ${type}\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`,
        );
        const sent = download && proxy.fault === "truncate" ? body.subarray(0, body.length >> 1) : body;
        const whole = new Uint8Array(head.length + sent.length);
        whole.set(head);
        whole.set(sent, head.length);
        unsent.set(socket, whole);
        flush(socket);
      },
      drain: flush,
    },
  });
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${server.port}`,
    stop: () => server.stop(true),
  });
}
