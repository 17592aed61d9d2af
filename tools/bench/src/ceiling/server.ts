// A ceiling server for the benchmarks: the same events and payloads as Parley, with nothing
// around socket.io but what the work needs.
//   CEILING_MODE=relay        bare socket.io, in-memory adapter, no database: the transport's limit
//   CEILING_MODE=stack        + per message the transaction Parley runs (seq increment and insert,
//                             one statement), with the bare pg driver; ack after commit
// Statements are named (prepared once per connection), as the pg driver allows.
//   CEILING_MODE=stack-batch  + the writes that arrive together committed in one statement
// Env: PORT, CEILING_MODE, DATABASE_URL, DATABASE_POOL_SIZE, REDIS_URL (two nodes), CEILING_BATCH_INFLIGHT.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { ClientEvent, LIMITS, type Message, Rooms, ServerEvent } from '@parley/contracts';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { Pool } from 'pg';
import { createClient } from 'redis';
import { Server, type Socket } from 'socket.io';
import { Batcher } from './batcher';

type Mode = 'relay' | 'stack' | 'stack-batch';
type Ack = (res: unknown) => void;
interface Author {
  kind: 'visitor' | 'agent';
  id: string;
  name: string;
}
interface Input {
  threadId: string;
  author: Author;
  body: string;
  clientMsgId: string;
}
interface Row {
  id: string;
  thread_id: string;
  seq: number;
  author_type: Message['authorType'];
  author_id: string | null;
  author_name: string | null;
  body: string;
  client_msg_id: string | null;
  created_at: Date;
}

const mode = (process.env.CEILING_MODE ?? 'relay') as Mode;
const port = Number(process.env.PORT ?? 3100);
const pool =
  mode === 'relay'
    ? undefined
    : new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });

/**
 * The one-message statement is named (prepared once per connection; its generic plan is the index
 * lookups its parameters point at); CEILING_PREPARED=0 sends it unnamed. The batch statement is
 * always unnamed: a generic plan of it, made while `messages` is still small, keeps a sequential
 * scan of `messages` for the connection's life (38 ms a batch at 100k rows, measured), so it is
 * planned for each batch, with the batch in view.
 */
const prepared = process.env.CEILING_PREPARED !== '0';
const named = (name: string) => (prepared ? { name } : {});

const COLUMNS = 'id, thread_id, seq, author_type, author_id, author_name, body, client_msg_id, created_at';

/** Parley's per-message statement (ThreadsRepository.append), verbatim: lock, seq + 1, insert. */
const APPEND_ONE = `WITH t AS (
   UPDATE threads SET last_seq = last_seq + 1, updated_at = now()
    WHERE id = $1 AND status <> 'closed'
      AND ($5::text IS NULL OR NOT EXISTS (
        SELECT 1 FROM messages
         WHERE thread_id = $1 AND author_type = $2::author_type AND author_id = $3::uuid AND client_msg_id = $5::text))
   RETURNING last_seq)
 INSERT INTO messages (thread_id, seq, author_type, author_id, author_name, body, client_msg_id)
 SELECT $1::uuid, t.last_seq, $2::author_type, $3::uuid, $4::text, $6::text, $5::text FROM t
 RETURNING ${COLUMNS}`;

/**
 * The same work for a batch in one statement (one transaction): the threads are locked in id order
 * (no deadlock between concurrent batches), each gets last_seq + n, and the n new messages take the
 * seqs in arrival order; a clientMsgId already stored is skipped, as in the statement above.
 */
const APPEND_MANY = `WITH i AS MATERIALIZED (
   SELECT * FROM unnest($1::uuid[], $2::author_type[], $3::uuid[], $4::text[], $5::text[], $6::text[])
     WITH ORDINALITY AS i(thread_id, author_type, author_id, author_name, body, client_msg_id, ord)),
 f AS MATERIALIZED (
   SELECT i.*, row_number() OVER (PARTITION BY i.thread_id ORDER BY i.ord) AS k FROM i
    WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = i.thread_id AND m.author_type = i.author_type
                        AND m.author_id = i.author_id AND m.client_msg_id = i.client_msg_id)),
 c AS (SELECT thread_id, count(*)::int AS n FROM f GROUP BY thread_id),
 l AS MATERIALIZED (SELECT id FROM threads WHERE id IN (SELECT thread_id FROM c) ORDER BY id FOR UPDATE),
 t AS (
   UPDATE threads SET last_seq = threads.last_seq + c.n, updated_at = now()
     FROM c JOIN l ON l.id = c.thread_id
    WHERE threads.id = c.thread_id AND threads.status <> 'closed'
   RETURNING threads.id, threads.last_seq - c.n AS base)
 INSERT INTO messages (thread_id, seq, author_type, author_id, author_name, body, client_msg_id)
 SELECT f.thread_id, t.base + f.k, f.author_type, f.author_id, f.author_name, f.body, f.client_msg_id
   FROM f JOIN t ON t.id = f.thread_id
 RETURNING ${COLUMNS}`;

function toMessage(r: Row): Message {
  return {
    id: r.id,
    threadId: r.thread_id,
    seq: r.seq,
    authorType: r.author_type,
    authorId: r.author_id,
    authorName: r.author_name,
    body: r.body,
    clientMsgId: r.client_msg_id,
    attachments: [],
    createdAt: r.created_at.toISOString(),
  };
}

const keyOf = (threadId: string, authorId: string | null, clientMsgId: string | null) => `${threadId}|${authorId}|${clientMsgId}`;

/** CEILING_STATS=1 prints the batches written every 2 s (how group commit behaves under load). */
const stats = { batches: 0, items: 0, ms: 0 };
if (process.env.CEILING_STATS === '1') {
  setInterval(() => {
    if (stats.batches === 0) return;
    process.stderr.write(`batches ${stats.batches} items/batch ${(stats.items / stats.batches).toFixed(1)} ms/batch ${(stats.ms / stats.batches).toFixed(2)}\n`);
    stats.batches = stats.items = stats.ms = 0;
  }, 2000).unref();
}

const batcher = new Batcher<Input, Message | null>(
  async (items) => {
    const started = performance.now();
    const { rows } = await (pool as Pool).query<Row>({
      text: APPEND_MANY,
      values: [
        items.map((m) => m.threadId),
        items.map((m) => m.author.kind),
        items.map((m) => m.author.id),
        items.map((m) => m.author.name),
        items.map((m) => m.body),
        items.map((m) => m.clientMsgId),
      ],
    });
    stats.batches++;
    stats.items += items.length;
    stats.ms += performance.now() - started;
    const byKey = new Map(rows.map((r) => [keyOf(r.thread_id, r.author_id, r.client_msg_id), r]));
    return items.map((m) => {
      const row = byKey.get(keyOf(m.threadId, m.author.id, m.clientMsgId));
      return row ? toMessage(row) : null;
    });
  },
  256,
  // One batch at a time makes the batches as large as the load; a second concurrent one cost ~10% more
  // machine CPU for a worse p99 at 6,000/s (measured), as in Parley's MessageWriter.
  Number(process.env.CEILING_BATCH_INFLIGHT ?? 1),
);

/** The relay's memory of each room: a seq counter and the recent messages, for messages.sync. */
const rooms = new Map<string, { seq: number; log: Message[] }>();
const RELAY_LOG = 100;

async function store(m: Input): Promise<Message | null> {
  if (mode === 'stack-batch') return batcher.add(m);
  if (mode === 'stack') {
    const { rows } = await (pool as Pool).query<Row>({
      ...named('append_one'),
      text: APPEND_ONE,
      values: [m.threadId, m.author.kind, m.author.id, m.author.name, m.clientMsgId, m.body],
    });
    return rows[0] ? toMessage(rows[0]) : null;
  }
  let room = rooms.get(m.threadId);
  if (!room) rooms.set(m.threadId, (room = { seq: 0, log: [] }));
  const message: Message = {
    id: randomUUID(),
    threadId: m.threadId,
    seq: ++room.seq,
    authorType: m.author.kind,
    authorId: m.author.id,
    authorName: m.author.name,
    body: m.body,
    clientMsgId: m.clientMsgId,
    attachments: [],
    createdAt: new Date().toISOString(),
  };
  room.log.push(message);
  if (room.log.length > RELAY_LOG) room.log.shift();
  return message;
}

async function messagesAfter(threadId: string, afterSeq: number, limit: number): Promise<{ items: Message[]; lastSeq: number }> {
  if (!pool) {
    const room = rooms.get(threadId);
    return { items: room ? room.log.filter((m) => m.seq > afterSeq).slice(0, limit) : [], lastSeq: room?.seq ?? 0 };
  }
  const [page, thread] = await Promise.all([
    pool.query<Row>(`SELECT ${COLUMNS} FROM messages WHERE thread_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, [threadId, afterSeq, limit]),
    pool.query<{ last_seq: number }>(`SELECT last_seq FROM threads WHERE id = $1`, [threadId]),
  ]);
  return { items: page.rows.map(toMessage), lastSeq: thread.rows[0]?.last_seq ?? 0 };
}

const fail = (ack: Ack, code: string, message: string) => ack({ ok: false, error: { code, message } });
const isId = (v: unknown): v is string => typeof v === 'string' && v.length === 36;

function onConnection(io: Server, socket: Socket): void {
  const author = socket.data.author as Author;
  socket.on(ClientEvent.ThreadJoin, (p: { threadId?: unknown }, ack: Ack) => {
    if (!isId(p?.threadId)) return fail(ack, 'VALIDATION_FAILED', 'threadId');
    const threadId = p.threadId;
    void Promise.resolve(socket.join(Rooms.thread(threadId))).then(() => ack({ ok: true, thread: { id: threadId } }));
  });
  socket.on(ClientEvent.ThreadLeave, (p: { threadId?: unknown }, ack: Ack) => {
    if (isId(p?.threadId)) void socket.leave(Rooms.thread(p.threadId));
    ack({ ok: true });
  });
  socket.on(ClientEvent.MessageSend, (p: { threadId?: unknown; clientMsgId?: unknown; body?: unknown }, ack: Ack) => {
    if (!isId(p?.threadId) || typeof p.clientMsgId !== 'string' || typeof p.body !== 'string' || p.body.length > LIMITS.messageBodyMax) {
      return fail(ack, 'VALIDATION_FAILED', 'threadId, clientMsgId, body');
    }
    store({ threadId: p.threadId, author, body: p.body, clientMsgId: p.clientMsgId }).then(
      (message) => {
        if (!message) return fail(ack, 'THREAD_CLOSED', 'closed, unknown, or already stored');
        io.to(Rooms.thread(message.threadId)).emit(ServerEvent.MessageCreated, message);
        ack({ ok: true, message, duplicate: false });
      },
      (err: Error) => fail(ack, 'INTERNAL', err.message),
    );
  });
  socket.on(ClientEvent.MessagesSync, (p: { threadId?: unknown; afterSeq?: unknown; limit?: unknown }, ack: Ack) => {
    if (!isId(p?.threadId) || typeof p.afterSeq !== 'number') return fail(ack, 'VALIDATION_FAILED', 'threadId, afterSeq');
    const limit = typeof p.limit === 'number' ? p.limit : LIMITS.pageSizeMax;
    messagesAfter(p.threadId, p.afterSeq, limit + 1).then(
      ({ items, lastSeq }) => ack({ ok: true, items: items.slice(0, limit), lastSeq, hasMore: items.length > limit }),
      (err: Error) => fail(ack, 'INTERNAL', err.message),
    );
  });
}

async function main(): Promise<void> {
  const http = createServer((req, res) => {
    if (req.url === '/memory') {
      if (typeof global.gc === 'function') global.gc();
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(process.memoryUsage()));
    }
    const ok = req.url === '/api/health/ready' || req.url === '/api/health/live';
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
    res.end(ok ? '{"status":"ok"}' : '{}');
  });
  const io = new Server(http, { serveClient: false, maxHttpBufferSize: LIMITS.socketFrameMaxBytes });
  if (process.env.REDIS_URL) {
    const pub = createClient({ url: process.env.REDIS_URL });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createShardedAdapter(pub, sub));
  }
  // The token names the caller: "visitor:<uuid>:<name>" or "agent:<uuid>:<name>" (no signature to check).
  io.use((socket, next) => {
    const [kind, id, name] = String((socket.handshake.auth as { token?: unknown }).token ?? '').split(':');
    if ((kind !== 'visitor' && kind !== 'agent') || !isId(id)) return next(new Error('UNAUTHENTICATED'));
    socket.data.author = { kind, id, name: name ?? kind } satisfies Author;
    next();
  });
  io.on('connection', (socket) => {
    // socket.io's memory-usage advice, as Parley follows it: drop the upgrade request once connected.
    socket.conn.request = null as never;
    onConnection(io, socket);
  });
  if (pool) await pool.query('SELECT 1');
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const stop = () => {
    io.close();
    void pool?.end();
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`ceiling failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
