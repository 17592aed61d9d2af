import { createHash } from 'node:crypto';
import { num } from '../lib/args';
import { api } from '../lib/http';
import { median } from '../lib/hist';
import { table, writeResult } from '../lib/report';
import { ParleyTarget } from '../targets/parley';
import { conditions, type Context, targetOptions } from './common';

/** Words of the seeded messages: a few common ones, many rarer ones (a hash picks them). */
const WORDS = (
  'hello thanks please order delivery parcel refund invoice account password login shipping address payment card ' +
  'package tracking return exchange size colour price discount coupon subscription cancel renew upgrade plan ' +
  'email phone number problem error broken missing late early today tomorrow yesterday week month help question ' +
  'answer support agent manager store online website app mobile desktop browser update version install download ' +
  'upload file photo receipt warranty repair replacement damaged wrong right box label courier warehouse stock ' +
  'available sold restock preorder backorder gift wrap note message chat call schedule appointment booking ' +
  'confirm confirmation reference ticket case status pending shipped delivered returned refunded charged twice ' +
  'bank transfer paypal klarna voucher balance points loyalty member membership newsletter unsubscribe privacy ' +
  'data delete export gdpr bonjour merci commande livraison hallo danke bestellung lieferung hola gracias pedido envío'
).split(' ');
const FIRST = ['Anna', 'Ben', 'Chloé', 'David', 'Emma', 'Felix', 'Greta', 'Hugo', 'Ida', 'Jonas', 'Karin', 'Luca', 'Mia', 'Noah', 'Olga', 'Paul', 'Rosa', 'Sven', 'Tara', 'Umar'];
const LAST = ['Müller', 'Schmidt', 'Smith', 'Jones', 'García', 'Martin', 'Rossi', 'Nowak', 'Kowalski', 'Dubois', 'Larsen', 'Novak', 'Silva', 'Costa', 'Weber', 'Wagner', 'Becker', 'Hoffmann', 'Fischer', 'Meyer'];
const DOMAINS = ['example.com', 'mail.test', 'shop.example', 'post.test'];

/** The seed, one statement each: visitors, closed threads of `perThread` messages, then the search indexes built at once. */
function seedStatements(threads: number, perThread: number): string[] {
  const arr = (xs: readonly string[]) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]::text[]`;
  return [
    // Built once after the rows: far faster than keeping them up to date row by row.
    `DROP INDEX IF EXISTS messages_body_tsv_idx`,
    `DROP INDEX IF EXISTS visitors_name_trgm_idx`,
    `DROP INDEX IF EXISTS visitors_email_trgm_idx`,
    `INSERT INTO visitors (name, email, created_at)
     SELECT (${arr(FIRST)})[1 + i % ${FIRST.length}] || ' ' || (${arr(LAST)})[1 + (i / ${FIRST.length}) % ${LAST.length}],
            lower((${arr(FIRST)})[1 + i % ${FIRST.length}]) || '.' || i || '@' || (${arr(DOMAINS)})[1 + i % ${DOMAINS.length}],
            now() - i * interval '15 minutes'
       FROM generate_series(1, ${threads}) i`,
    `INSERT INTO threads (visitor_id, status, last_seq, created_at, updated_at, closed_at, closed_by_type)
     SELECT id, 'closed', ${perThread}, created_at, created_at + interval '30 minutes', created_at + interval '30 minutes', 'agent'
       FROM visitors`,
    // Every tenth message names an order number, unique to it: "order 1234" finds one conversation.
    `INSERT INTO messages (thread_id, seq, author_type, author_id, body, created_at)
     SELECT t.id, s, CASE WHEN s % 2 = 1 THEN 'visitor'::author_type ELSE 'agent'::author_type END,
            CASE WHEN s % 2 = 1 THEN t.visitor_id END,
            array_to_string(ARRAY(SELECT words.w[1 + abs(hashint4(m.n * 16 + k)) % ${WORDS.length}] FROM generate_series(1, 6 + m.n % 10) k), ' ')
              || CASE WHEN m.n % 10 = 0 THEN ' order ' || (100000 + m.n) ELSE '' END,
            t.created_at + s * interval '1 minute'
       FROM (SELECT id, visitor_id, created_at, row_number() OVER (ORDER BY created_at) AS r FROM threads) t,
            generate_series(1, ${perThread}) s, (SELECT ${arr(WORDS)} AS w) words,
            LATERAL (SELECT ((t.r - 1) * ${perThread} + s)::int AS n) m`,
    `CREATE INDEX messages_body_tsv_idx ON messages USING gin (body_tsv) WHERE author_type <> 'system'`,
    `CREATE INDEX visitors_name_trgm_idx ON visitors USING gin (name gin_trgm_ops)`,
    `CREATE INDEX visitors_email_trgm_idx ON visitors USING gin (email gin_trgm_ops)`,
    `ANALYZE`,
  ];
}

/** A fixed piece of CPU work in this process (hashing), timed: the machine's speed now, to read the latencies against. */
function cpuProbeMs(): number {
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const started = performance.now();
    let h = Buffer.alloc(32);
    for (let i = 0; i < 100_000; i++) h = createHash('sha256').update(h).digest();
    runs.push(performance.now() - started);
  }
  return median(runs);
}

function percentile(sorted: readonly number[], p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 100) / 100;
}

export interface SearchKind {
  kind: string;
  example: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  /** p95 over the CPU probe's time. */
  p95OverProbe: number;
  /** Mean number of conversations a search answered (of the page of 25). */
  meanHits: number;
}

/**
 * search: seeds `--messages` messages (default 1,000,000) in conversations of `--per-thread`
 * (default 20) straight into the database (one INSERT … SELECT over generate_series), then times
 * `GET /threads?q=` through the REST API, one search at a time, `--queries` of each kind: a common
 * word, a rare order number ("order 123450"), part of an email, part of a name. Embedded PGlite
 * with `--embedded` (give it fewer messages: `--messages 100000`).
 */
export async function search(ctx: Context): Promise<{ kinds: SearchKind[] }> {
  const { args, log } = ctx;
  const messages = num(args, 'messages', 1_000_000);
  const perThread = num(args, 'per-thread', 20);
  const queries = num(args, 'queries', 200);
  const threads = Math.ceil(messages / perThread);
  const env = await conditions(ctx);
  const target = new ParleyTarget(targetOptions(ctx));
  await target.start();
  try {
    const seedStarted = performance.now();
    await target.withDatabase(async (query) => {
      for (const sql of seedStatements(threads, perThread)) await query(sql);
    });
    const seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;
    log(`seeded ${threads} conversations, ${threads * perThread} messages in ${seedSeconds} s (${ctx.embedded ? 'PGlite' : 'PostgreSQL'})`);
    const base = target.urls[0];
    const orderCount = Math.floor((threads * perThread) / 10);
    const kinds: Array<{ kind: string; q: (i: number) => string }> = [
      { kind: 'a word', q: (i) => WORDS[(i * 7) % WORDS.length] },
      { kind: 'two words', q: (i) => `${WORDS[(i * 7) % WORDS.length]} ${WORDS[(i * 13 + 5) % WORDS.length]}` },
      { kind: 'a rare order number', q: (i) => `order ${100000 + (((i * 7919) % orderCount) + 1) * 10}` },
      // Visitor j is <first name j % 20>.<j>@…: the search is its local part and the @.
      { kind: 'part of an email', q: (i) => ((j) => `${FIRST[j % FIRST.length].toLowerCase()}.${j}@`)(1 + ((i * 104729) % threads)) },
      { kind: 'part of a name', q: (i) => LAST[i % LAST.length].slice(1, 5) },
    ];
    // Warm the caches as a server that has been up a while has them.
    for (const k of kinds) for (let i = 0; i < 10; i++) await api(base, 'get /threads', { token: target.token, query: { q: k.q(i), limit: 25 } });
    const probeBefore = cpuProbeMs();
    const results: SearchKind[] = [];
    for (const k of kinds) {
      const times: number[] = [];
      let hits = 0;
      for (let i = 0; i < queries; i++) {
        const q = k.q(i + 100);
        const started = performance.now();
        const res = await api(base, 'get /threads', { token: target.token, query: { q, limit: 25 } });
        times.push(performance.now() - started);
        hits += res.body.items.length;
      }
      times.sort((a, b) => a - b);
      results.push({ kind: k.kind, example: k.q(100), count: times.length, p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), p95OverProbe: 0, meanHits: Math.round((hits / queries) * 10) / 10 });
    }
    const probeMs = Math.round(((probeBefore + cpuProbeMs()) / 2) * 10) / 10;
    for (const r of results) r.p95OverProbe = Math.round((r.p95 / probeMs) * 1000) / 1000;
    log(`CPU probe (100,000 sha256 in this process, median of 5, before and after): ${probeMs} ms`);
    log(table(['search', 'example', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'p95 / probe', 'hits'], results.map((r) => [r.kind, r.example, r.count, r.p50, r.p95, r.p99, r.p95OverProbe, r.meanHits])));
    const file = writeResult(ctx.embedded ? 'search-pglite' : 'search', { env, backend: ctx.embedded ? 'pglite' : 'postgres', messages: threads * perThread, threads, perThread, seedSeconds, probeMs, kinds: results });
    log(`results: ${file}`);
    return { kinds: results };
  } finally {
    await target.stop();
  }
}
