import {
  LEGACY_SUBPROTOCOL,
  LEGACY_TOKEN_PROTOCOL_PREFIX,
  LEGACY_WS_PATH,
  type LegacyFrameOut,
} from '@parley/contracts';
import WebSocket from 'ws';
import { EVENT_MS } from './sockets';
import { e2e } from './state';

/** How a raw client hands over its token: the old pages' URL plus `?token=`, or a subprotocol entry. */
export type TokenVia = 'query' | 'protocol' | 'none';

export interface RawClient {
  readonly ws: WebSocket;
  /** Every frame received, in order. */
  readonly frames: LegacyFrameOut[];
  send(frame: unknown): void;
  sendText(text: string): void;
  /** The first frame (already received or still to come) that matches; rejects after EVENT_MS. */
  next<T extends LegacyFrameOut['type']>(type: T, match?: (f: Extract<LegacyFrameOut, { type: T }>) => boolean): Promise<Extract<LegacyFrameOut, { type: T }>>;
  /** Resolves with the close code and reason once the server closes (or the client did). */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

const open = new Set<RawClient>();

export function rawUrl(threadId: string, token?: string, via: TokenVia = 'query'): string {
  const base = e2e().baseUrl.replace(/^http/, 'ws');
  const query = token && via === 'query' ? `?token=${encodeURIComponent(token)}` : '';
  return `${base}${LEGACY_WS_PATH}/${threadId}/${query}`;
}

/** Opens a raw WebSocket as the old pages did; resolves once the socket is open (the server may still close it). */
export function openRaw(
  threadId: string,
  token: string | undefined,
  opts: { via?: TokenVia; origin?: string; /** false: never answer the server's pings, like a client whose network is gone. */ autoPong?: boolean } = {},
): Promise<RawClient> {
  const via = opts.via ?? 'query';
  const protocols = token && via === 'protocol' ? [LEGACY_SUBPROTOCOL, `${LEGACY_TOKEN_PROTOCOL_PREFIX}${token}`] : undefined;
  const ws = new WebSocket(rawUrl(threadId, token, via), protocols, { ...(opts.origin ? { origin: opts.origin } : {}), autoPong: opts.autoPong ?? true });
  const frames: LegacyFrameOut[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as LegacyFrameOut);
    for (const w of waiters) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const client: RawClient = {
    ws,
    frames,
    closed,
    send: (frame) => ws.send(JSON.stringify(frame)),
    sendText: (text) => ws.send(text),
    next(type, match) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.find((f) => f.type === type && (!match || match(f as never)));
          if (!found) return false;
          cleanup();
          resolve(found as never);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no "${type}" frame within ${EVENT_MS} ms; got ${JSON.stringify(frames).slice(0, 800)}`));
        }, EVENT_MS);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(onFrame);
        };
        const onFrame = () => void check();
        if (!check()) waiters.add(onFrame);
      });
    },
    async close() {
      open.delete(client);
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await closed;
    },
  };
  open.add(client);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake answered HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Opens a raw socket that the server must close during the handshake; resolves with the close. */
export async function rawRefused(threadId: string, token: string | undefined, via: TokenVia = 'query'): Promise<{ code: number; reason: string; frames: LegacyFrameOut[] }> {
  const client = await openRaw(threadId, token, { via });
  const result = await client.closed;
  open.delete(client);
  return { ...result, frames: client.frames };
}

export async function closeAllRaw(): Promise<void> {
  await Promise.all([...open].map((c) => c.close()));
}
