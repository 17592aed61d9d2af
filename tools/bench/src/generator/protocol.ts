/** Messages between the coordinator and its generator worker processes (over the IPC channel). */

export interface WorkerClient {
  /** Index in the whole population. */
  index: number;
  url: string;
  token: string;
  threads: string[];
  /** Connect through libs/realtime-client (resync by seq) instead of a bare socket. */
  realtime: boolean;
  /** socket.io, or one raw WebSocket per thread speaking the old system's frames (docs/legacy-protocol.md). */
  protocol: 'socketio' | 'raw';
}

export interface WorkerRoom {
  threadId: string;
  /** Population indices. */
  members: number[];
  senders: number[];
}

export interface RunParams {
  runId: string;
  /** Messages per second for the whole generator; each worker takes its share. */
  rate: number;
  durationMs: number;
  bodyBytes: number;
  /** After the last send, how long to wait for acks and deliveries. */
  drainMs: number;
}

export interface WorkerResult {
  sent: number;
  acked: number;
  errors: Record<string, number>;
  unacked: number;
  expectedDeliveries: number;
  delivered: number;
  /** Acked messages that did not reach every other member of their room. */
  lost: number;
  missingDeliveries: number;
  duplicates: number;
  /** Deliveries whose seq was lower than one this client already had for the thread. */
  reordered: number;
  /** From the first intended send to the last send / last ack, ms. */
  sendWindowMs: number;
  ackWindowMs: number;
  delivery: string;
  lastRecipient: string;
  ack: string;
  cpuPct: number;
  loopDelayP99Ms: number;
}

export interface StormResult {
  visitors: number;
  resynced: number;
  /** ms from the drop until each visitor was connected again and held every acked message. */
  resync: string;
  reconnected: number;
  lost: number;
  duplicated: number;
  /** Messages acked to agents during the drop window (the visitors could only get them by resync). */
  sentDuringOutage: number;
}

export type ToWorker =
  | { type: 'init'; worker: number; clients: WorkerClient[]; rooms: WorkerRoom[]; connectConcurrency: number }
  | { type: 'run'; params: RunParams }
  | { type: 'drop' }
  | { type: 'storm-wait'; timeoutMs: number }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; connected: number; failed: number; connectMs: number; errors: string[] }
  | { type: 'result'; result: WorkerResult }
  | { type: 'dropped'; count: number }
  | { type: 'storm'; result: StormResult }
  | { type: 'error'; message: string };
