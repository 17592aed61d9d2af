import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sleep } from '@parley/test-support';
import { routeUrl } from '@parley/rest-client';
import { num, str } from '../lib/args';
import { PROBE_ARGS, ProcSampler, TMP } from '../lib/proc';
import { pct, table, writeResult } from '../lib/report';
import { createTarget, type Population, type Target } from '../targets';
import { conditions, type Context, settle, targetOptions } from './common';

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

/** A PDF of `bytes` bytes (the type is read from the first bytes; the rest is page text). */
function pdfOf(bytes: number): Blob {
  const head = '%PDF-1.4\n%bench\n';
  const body = Buffer.alloc(bytes - head.length, 'BT /F1 12 Tf (Parley upload benchmark) Tj ET\n').toString('latin1');
  return new Blob([head, body], { type: 'application/pdf' });
}

export interface UploadRound {
  clients: number;
  /** Server RSS just before the uploads started. */
  rssBeforeMb: number;
  /** Highest server RSS while they ran (sampled every 50 ms). */
  rssPeakMb: number;
  /** Peak minus before. */
  growthMb: number;
  /** Highest JS heap in use and highest ArrayBuffer memory (stream buffers) seen while they ran, no GC forced. */
  heapUsedPeakMb: number;
  arrayBuffersPeakMb: number;
  /** Server CPU over the round, in % of one core. */
  cpuPct: number;
  seconds: number;
  /** Bytes the server took in during the round. */
  uploadedMb: number;
  failures: string[];
}

/** Uploads the file once per client, all at once, and samples the server while they run. */
async function round(target: Target, pop: Population, count: number, file: Blob): Promise<UploadRound> {
  const base = target.urls[0];
  const sampler = new ProcSampler(() => target.serverPids(), 50).start();
  const started = performance.now();
  const failures: string[] = [];
  // The heap as the server has it while it works, asked of its probe every 100 ms.
  let heapUsedPeak = 0;
  let arrayBuffersPeak = 0;
  let sampling = true;
  const heapSampler = (async () => {
    while (sampling) {
      const answers = await target.probe('memory');
      const use = answers.map((a) => a.memory as NodeJS.MemoryUsage);
      heapUsedPeak = Math.max(heapUsedPeak, use.reduce((t, m) => t + m.heapUsed, 0));
      arrayBuffersPeak = Math.max(arrayBuffersPeak, use.reduce((t, m) => t + m.arrayBuffers, 0));
      await sleep(100);
    }
  })();
  await Promise.all(
    pop.rooms.slice(0, count).map(async (room) => {
      const token = pop.clients[room.members[0]].token;
      const form = new FormData();
      form.append('file', file, 'statement.pdf');
      try {
        const res = await fetch(base + routeUrl('post /threads/{id}/uploads', { id: room.threadId }), {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: form,
          signal: AbortSignal.timeout(300_000),
        });
        const text = await res.text();
        if (res.status !== 201) failures.push(`${res.status} ${text.slice(0, 200)}`);
      } catch (err) {
        failures.push(String(err));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const s = sampler.stop();
  sampling = false;
  await heapSampler;
  return {
    clients: count,
    rssBeforeMb: s.rssStartMb,
    rssPeakMb: s.rssMaxMb,
    growthMb: Math.round((s.rssMaxMb - s.rssStartMb) * 10) / 10,
    heapUsedPeakMb: mb(heapUsedPeak),
    arrayBuffersPeakMb: mb(arrayBuffersPeak),
    cpuPct: s.cpuPct,
    seconds: Math.round(seconds * 10) / 10,
    uploadedMb: mb(file.size * count),
    failures,
  };
}

export interface UploadsResult {
  clients: number;
  /** Server RSS at the peak of the many-client rounds over its RSS just before them. */
  peakOverIdle: number;
  growthRatio: number;
  growthPerByteIn: number;
  heapAfterGcMb: { before: number; after: number };
  /** Uploads not answered 201, with why. */
  failures: string[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * uploads: `clients` visitors each upload a `bytes`-byte file to their thread at the same time,
 * while the server's RSS is sampled. An upload is streamed to a temporary file, never held whole,
 * so the server's memory should not grow with the bytes in flight: the figure is the peak RSS
 * RSS of the many-client round against two references of the same run: the same server idle just
 * before (`peak / idle`), and one client uploading the same file alone (`growth ratio`, the peak
 * growths compared); and the growth as a share of the bytes the server took in. Rounds alternate (one, many) `rounds` times;
 * the medians are reported. The server's live heap after a full GC, before and after, shows what
 * stays behind, and the heap in use (no GC forced) is sampled through the probe every 100 ms while
 * the uploads run. Files go to a temporary folder (the disk storage), removed at the end.
 */
export async function uploads(ctx: Context, { write = true }: { write?: boolean } = {}): Promise<UploadsResult> {
  const { args, log } = ctx;
  const clients = num(args, 'clients', 20);
  const bytes = num(args, 'bytes', 10_000_000);
  const rounds = num(args, 'rounds', 3);
  const dir = str(args, 'uploads-dir', path.join(TMP, `uploads-${process.pid}-${randomBytes(3).toString('hex')}`));
  mkdirSync(dir, { recursive: true });
  const env = await conditions(ctx);
  const options = targetOptions(ctx);
  const target = createTarget('parley', {
    ...options,
    nodeArgs: [...ctx.nodeArgs, ...PROBE_ARGS],
    extraEnv: {
      ...options.extraEnv,
      UPLOADS_DIR: dir,
      // Every round uploads again to the same threads: the per-visitor and per-thread limits are raised.
      UPLOAD_RATE_VISITOR: '100000/10m',
      UPLOAD_THREAD_MAX_BYTES: String(bytes * (rounds * 2 + 4)),
    },
  });
  const file = pdfOf(bytes);
  const ones: UploadRound[] = [];
  const manys: UploadRound[] = [];
  try {
    await target.start();
    const pop = await target.populate({ rooms: clients, threadsPerAgent: 0, watchersPerRoom: 0, senders: 'visitor' });
    // Warm up: the upload path compiled and its buffers allocated once, before anything is measured.
    const warm = await round(target, pop, Math.min(2, clients), file);
    if (warm.failures.length) throw new Error(`warm-up uploads failed: ${warm.failures.join('; ')}`);
    await settle(target);
    const heapBefore = mb((await target.heap()).reduce((s, h) => s + h.heapUsed, 0));
    for (let r = 0; r < rounds; r++) {
      await sleep(2000);
      const one = await round(target, pop, 1, file);
      log(`round ${r + 1}: 1 client   ${JSON.stringify(one)}`);
      ones.push(one);
      await settle(target);
      await sleep(2000);
      const many = await round(target, pop, clients, file);
      log(`round ${r + 1}: ${clients} clients ${JSON.stringify(many)}`);
      manys.push(many);
      await settle(target);
    }
    const heapAfter = mb((await target.heap()).reduce((s, h) => s + h.heapUsed, 0));
    const failures = [...ones, ...manys].flatMap((r) => r.failures);
    const oneGrowth = median(ones.map((r) => r.growthMb));
    const manyGrowth = median(manys.map((r) => r.growthMb));
    const result = {
      clients,
      bytes,
      rounds,
      idleRssMb: median(manys.map((r) => r.rssBeforeMb)),
      oneClient: {
        growthMb: oneGrowth,
        peakMb: median(ones.map((r) => r.rssPeakMb)),
        seconds: median(ones.map((r) => r.seconds)),
        heapUsedPeakMb: median(ones.map((r) => r.heapUsedPeakMb)),
        arrayBuffersPeakMb: median(ones.map((r) => r.arrayBuffersPeakMb)),
      },
      manyClients: {
        growthMb: manyGrowth,
        peakMb: median(manys.map((r) => r.rssPeakMb)),
        seconds: median(manys.map((r) => r.seconds)),
        cpuPct: median(manys.map((r) => r.cpuPct)),
        heapUsedPeakMb: median(manys.map((r) => r.heapUsedPeakMb)),
        arrayBuffersPeakMb: median(manys.map((r) => r.arrayBuffersPeakMb)),
        uploadedMb: mb(bytes * clients),
      },
      /** Peak RSS with all the clients uploading over the same server's RSS just before: 1 is flat. */
      peakOverIdle: Math.round((median(manys.map((r) => r.rssPeakMb)) / median(manys.map((r) => r.rssBeforeMb))) * 100) / 100,
      /** Peak growth with all the clients over the growth with one (small numbers: noisy). */
      growthRatio: oneGrowth > 0 ? Math.round((manyGrowth / oneGrowth) * 100) / 100 : NaN,
      /** Peak growth as a share of the bytes the server took in (1 would be every byte held). */
      growthPerByteIn: Math.round((manyGrowth / mb(bytes * clients)) * 1000) / 1000,
      heapAfterGcMb: { before: heapBefore, after: heapAfter },
      failures,
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
      rounds_: { one: ones, many: manys },
    };
    log(
      `\n${table(
        ['clients × file', 'idle RSS MB', 'peak / idle RSS', 'peak growth, 1 client MB', `peak growth, ${clients} clients MB`, 'growth ratio', 'growth / bytes in', 'heap in use, peak MB (1 → all)', 'ArrayBuffers, peak MB (1 → all)', 'live heap after GC MB (before → after)', `${clients}-client round s`, 'load avg 1/5/15'],
        [
          [
            `${clients} × ${mb(bytes)} MB`,
            result.idleRssMb,
            result.peakOverIdle,
            oneGrowth,
            manyGrowth,
            result.growthRatio,
            pct(result.growthPerByteIn),
            `${result.oneClient.heapUsedPeakMb} → ${result.manyClients.heapUsedPeakMb}`,
            `${result.oneClient.arrayBuffersPeakMb} → ${result.manyClients.arrayBuffersPeakMb}`,
            `${heapBefore} → ${heapAfter}`,
            result.manyClients.seconds,
            result.loadAverage.join(' / '),
          ],
        ],
      )}\n`,
    );
    if (failures.length) log(`FAILED uploads: ${failures.join('; ')}`);
    if (write) log(`wrote ${writeResult('uploads', { scenario: 'uploads', conditions: env, settings: { clients, bytes, rounds }, result })}`);
    return result;
  } finally {
    await target.stop().catch((err: Error) => log(`stopping parley: ${err.message}`));
    rmSync(dir, { recursive: true, force: true });
  }
}
