import {
  LEGACY_FRAMES_IN,
  LEGACY_FRAMES_OUT,
  LEGACY_SUBPROTOCOL,
  LEGACY_TOKEN_PROTOCOL_PREFIX,
  LEGACY_WS_PATH,
  LegacyCloseCode,
  SOCKET_CLIENT_EVENTS,
  SOCKET_SERVER_EVENTS,
  type SocketEventDoc,
} from '@parley/contracts';
import { z } from 'zod';

type Json = Record<string, unknown>;

/** A zod schema as the JSON Schema AsyncAPI's default schema format (a superset of draft 07) takes. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-07', io, unrepresentable: 'any' }) as Json;
  return rest;
}

/** A component-safe name for an event or frame: `message.send` → `message_send`. */
const id = (prefix: string, name: string) => `${prefix}_${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/**
 * The AsyncAPI 3.0 document of Parley's two socket protocols, generated from the contracts' event
 * catalogue (`SOCKET_CLIENT_EVENTS`, `SOCKET_SERVER_EVENTS`, `LEGACY_FRAMES_IN`, `LEGACY_FRAMES_OUT`)
 * as the OpenAPI document is from the REST route table: socket.io events (client → server with the
 * ack each gets, server → client) and the raw WebSocket frames of the old system's protocol.
 */
export function buildAsyncApiDocument(version: string, publicUrl: string) {
  const url = new URL(publicUrl);
  const secure = url.protocol === 'https:';
  const messages: Record<string, Json> = {};
  const channels: Record<string, Json> = {};
  const operations: Record<string, Json> = {};

  const message = (key: string, name: string, doc: SocketEventDoc, payload: z.ZodType, io: 'input' | 'output', title = name): string => {
    messages[key] = { name, title, summary: doc.summary, contentType: 'application/json', payload: jsonSchema(payload, io) };
    return key;
  };
  const channel = (name: string, spec: Json, keys: string[]) => {
    channels[name] = { ...spec, messages: Object.fromEntries(keys.map((k) => [k, { $ref: `#/components/messages/${k}` }])) };
  };
  const ref = (channelName: string, key: string) => ({ $ref: `#/channels/${channelName}/messages/${key}` });

  // socket.io: one channel (the connection), each event a message named after it.
  const io: string[] = [];
  for (const [event, doc] of Object.entries(SOCKET_CLIENT_EVENTS)) {
    io.push(message(id('client', event), event, doc, doc.payload, 'input'));
    io.push(message(id('ack', event), `${event} ack`, { summary: `The ack of ${event}: {ok: true, ...} or {ok: false, error: {code, message}}`, payload: doc.ack }, doc.ack, 'output'));
  }
  for (const [event, doc] of Object.entries(SOCKET_SERVER_EVENTS)) io.push(message(id('server', event), event, doc, doc.payload, 'output'));
  channel(
    'socketio',
    {
      address: '/socket.io/',
      title: 'socket.io',
      description:
        'The socket.io connection of the console and the widget (Engine.IO v4, WebSocket or long polling). ' +
        'Authenticate in the handshake: `io(url, { auth: { token } })` with an agent or visitor token. ' +
        'Each message is a socket.io event whose name is the message name; client events carry an ack callback.',
      servers: [{ $ref: '#/servers/parley' }],
    },
    io,
  );
  for (const event of Object.keys(SOCKET_CLIENT_EVENTS)) {
    operations[id('send', event)] = {
      action: 'send',
      channel: { $ref: '#/channels/socketio' },
      summary: SOCKET_CLIENT_EVENTS[event as keyof typeof SOCKET_CLIENT_EVENTS].summary,
      messages: [ref('socketio', id('client', event))],
      reply: { channel: { $ref: '#/channels/socketio' }, messages: [ref('socketio', id('ack', event))] },
    };
  }
  for (const event of Object.keys(SOCKET_SERVER_EVENTS)) {
    operations[id('receive', event)] = {
      action: 'receive',
      channel: { $ref: '#/channels/socketio' },
      summary: SOCKET_SERVER_EVENTS[event as keyof typeof SOCKET_SERVER_EVENTS].summary,
      messages: [ref('socketio', id('server', event))],
    };
  }

  // The raw WebSocket protocol: one channel per thread, frames told apart by `type`.
  const raw: string[] = [];
  for (const [type, doc] of Object.entries(LEGACY_FRAMES_IN)) raw.push(message(id('frame_in', type), type, doc, doc.payload, 'input', `${type} (client frame)`));
  for (const [type, doc] of Object.entries(LEGACY_FRAMES_OUT)) raw.push(message(id('frame_out', type), type, doc, doc.payload, 'output', `${type} (server frame)`));
  const closeCodes = Object.entries(LegacyCloseCode)
    .map(([name, code]) => `${code} ${name}`)
    .join(', ');
  channel(
    'legacy',
    {
      address: `${LEGACY_WS_PATH}/{threadId}/`,
      title: 'Raw WebSocket (the old system’s protocol)',
      description:
        `A plain WebSocket per thread, JSON text frames (docs/legacy-protocol.md). The token travels as the subprotocol ` +
        `\`${LEGACY_TOKEN_PROTOCOL_PREFIX}<token>\` (offer \`${LEGACY_SUBPROTOCOL}\` too) or as \`?token=\`. Close codes: ${closeCodes}.`,
      parameters: { threadId: { description: 'The id (uuid) of the thread' } },
      servers: [{ $ref: '#/servers/parley' }],
    },
    raw,
  );
  operations['sendFrame'] = {
    action: 'send',
    channel: { $ref: '#/channels/legacy' },
    summary: 'Frames a raw client sends',
    messages: Object.keys(LEGACY_FRAMES_IN).map((t) => ref('legacy', id('frame_in', t))),
  };
  operations['receiveFrame'] = {
    action: 'receive',
    channel: { $ref: '#/channels/legacy' },
    summary: 'Frames the server sends',
    messages: Object.keys(LEGACY_FRAMES_OUT).map((t) => ref('legacy', id('frame_out', t))),
  };

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Parley sockets',
      version,
      description:
        "Parley's real-time protocols: socket.io events (the console and the widget) and the raw WebSocket frames of the " +
        'old system. Generated from the contracts, as the REST API\'s OpenAPI document (/api/openapi.json) is.',
    },
    defaultContentType: 'application/json',
    servers: {
      parley: { host: url.host, protocol: secure ? 'wss' : 'ws', description: 'This Parley server' },
    },
    channels,
    operations,
    components: { messages },
  };
}

/** A self-contained page listing the channels, operations and messages with their schemas (no scripts: the CSP allows none from elsewhere). */
export function renderAsyncApiHtml(doc: ReturnType<typeof buildAsyncApiDocument>): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const sections = Object.entries(doc.channels).map(([name, ch]) => {
    const c = ch as { address: string; title: string; description: string; messages: Record<string, { $ref: string }> };
    const ops = Object.values(doc.operations).filter((o) => (o.channel as { $ref: string }).$ref === `#/channels/${name}`);
    const items = ops
      .map((o) => {
        const keys = (o.messages as { $ref: string }[]).map((m) => m.$ref.split('/').pop() as string);
        const reply = ((o.reply as { messages?: { $ref: string }[] } | undefined)?.messages ?? []).map((m) => m.$ref.split('/').pop() as string);
        const body = [...keys, ...reply]
          .map((k) => {
            const m = doc.components.messages[k] as { name: string; title: string; summary: string; payload: unknown };
            return `<details><summary><code>${esc(m.title)}</code> — ${esc(m.summary)}</summary><pre>${esc(JSON.stringify(m.payload, null, 2))}</pre></details>`;
          })
          .join('');
        return `<li><strong>${esc(String(o.action))}</strong> ${esc(String(o.summary))}${body}</li>`;
      })
      .join('');
    return `<section><h2>${esc(c.title)} <code>${esc(c.address)}</code></h2><p>${esc(c.description)}</p><ul>${items}</ul></section>`;
  });
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)}</title>` +
    `<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:.5rem;overflow:auto}li{margin:.75rem 0}code{background:#f4f4f4;padding:0 .2rem}</style></head>` +
    `<body><h1>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h1><p>${esc(doc.info.description)}</p>` +
    `<p>AsyncAPI ${esc(doc.asyncapi)} document: <a href="/api/asyncapi.json">/api/asyncapi.json</a></p>${sections.join('')}</body></html>`
  );
}
