import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';

export interface LegacySite {
  server: Server;
  origin: string;
  close(): Promise<void>;
}

/**
 * The old system's site as it stood: its own pages at their own paths, on one host with the chat
 * server. Here the pages are served by this small server and everything else (the REST calls, the
 * legacy HTTP calls, the WebSocket upgrade) is passed through to Parley, as a reverse proxy in
 * front of both would do. So the seeds' relative URLs (`/close_chat_thread/…`,
 * `'ws://' + window.location.host + '/ws/support/…'`) reach Parley unchanged.
 */
export function startLegacySite(opts: { port: number; parley: string; pages: Record<string, string> }): Promise<LegacySite> {
  const origin = `http://127.0.0.1:${opts.port}`;
  const target = new URL(opts.parley);
  const server = createServer((req, res) => {
    const page = opts.pages[(req.url ?? '/').split('?')[0]];
    if (page !== undefined && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return void res.end(page);
    }
    const upstream = request(
      { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(upstream);
  });
  const tunnels = new Set<{ destroy(): void }>();
  server.on('upgrade', (req, socket, head) => {
    tunnels.add(socket);
    socket.once('close', () => tunnels.delete(socket));
    const upstream = connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () =>
      resolve({
        server,
        origin,
        close: () =>
          new Promise<void>((done) => {
            for (const t of tunnels) t.destroy();
            server.closeAllConnections();
            server.close(() => done());
          }),
      }),
    );
  });
}
