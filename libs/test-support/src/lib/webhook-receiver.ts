import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a webhook receiver got. */
export interface ReceivedWebhook {
  path: string;
  headers: IncomingMessage['headers'];
  /** The raw body, exactly as signed. */
  raw: string;
  body: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
  delivery: string;
  event: string;
  signature: string;
}

/**
 * What the receiver answers a request: a status (200 by default), or 'hold' to keep the request
 * open until the receiver is closed or `release()` is called.
 */
export type ReceiverAnswer = number | 'hold';

/**
 * A real HTTP server a test points webhooks at: it keeps every request (raw body and headers) and
 * answers what the test's `answer` decides, per request.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  answer: (r: ReceivedWebhook) => ReceiverAnswer = () => 200;
  private held: ServerResponse[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(host = '127.0.0.1'): Promise<WebhookReceiver> {
    const holder: { receiver?: WebhookReceiver } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => holder.receiver?.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    holder.receiver = new WebhookReceiver(server, (server.address() as AddressInfo).port);
    return holder.receiver;
  }

  /** The URL of a path on this receiver. */
  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Requests to one path, in arrival order. */
  at(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Answers the requests held open so far with this status. */
  release(status = 200): void {
    for (const res of this.held.splice(0)) res.writeHead(status).end();
  }

  async close(): Promise<void> {
    for (const res of this.held.splice(0)) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    let body: ReceivedWebhook['body'];
    try {
      body = JSON.parse(raw) as ReceivedWebhook['body'];
    } catch {
      res.writeHead(400).end();
      return;
    }
    const header = (name: string) => String(req.headers[name] ?? '');
    const r: ReceivedWebhook = {
      path: req.url ?? '',
      headers: req.headers,
      raw,
      body,
      delivery: header('parley-delivery'),
      event: header('parley-event'),
      signature: header('parley-signature'),
    };
    this.received.push(r);
    const answer = this.answer(r);
    if (answer === 'hold') this.held.push(res);
    else res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
  }
}

/**
 * Verifies `Parley-Signature: t=<unix>,v1=<hex>[,v1=<hex>]` as an integrator would: some `v1` is
 * HMAC-SHA256(secret, t + "." + raw body), and t is within `toleranceSeconds` of now.
 */
export function verifyWebhookSignature(header: string, raw: string, secret: string, toleranceSeconds = 300): boolean {
  const parts = header.split(',').map((p) => p.split('=') as [string, string]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${raw}`).digest();
  return parts.some(([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/.test(v) && timingSafeEqual(Buffer.from(v, 'hex'), expected));
}
