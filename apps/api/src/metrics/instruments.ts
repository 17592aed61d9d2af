import { collectDefaultMetrics, Counter, Histogram, register } from 'prom-client';

// The process's counters and histograms, on prom-client's default registry: the code that counts
// imports them as it would a logger. What is read from a running app at scrape time (sockets, pool,
// Redis, the queue) is in MetricsService, per app. Every name starts with `parley_`.

/** Node's own: CPU, memory, heap spaces, GC, handles, event-loop delay (`nodejs_eventloop_lag_*`). */
collectDefaultMetrics({ register, eventLoopMonitoringPrecision: 10 });

/** Seconds, from 0.5 ms to 10 s: socket acks, writes and broadcasts. */
const FAST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds, from 5 s to 1 h: how long people wait for people. */
const HUMAN_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];

export const messagesStored = new Counter({
  name: 'parley_messages_stored_total',
  help: 'Messages committed to the database (repeats of a clientMsgId are not counted), by author type',
  labelNames: ['author'] as const,
});

export const writeBatchSize = new Histogram({
  name: 'parley_message_write_batch_size',
  help: 'Messages per group-commit statement',
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
});

export const writeBatchSeconds = new Histogram({
  name: 'parley_message_write_batch_seconds',
  help: 'Duration of one group-commit statement (one transaction, one commit)',
  buckets: FAST_BUCKETS,
});

export const writeWaitSeconds = new Histogram({
  name: 'parley_message_write_wait_seconds',
  help: 'How long a message waited for its group-commit batch to start',
  buckets: FAST_BUCKETS,
});

export const socketEventSeconds = new Histogram({
  name: 'parley_socket_event_seconds',
  help: 'From a socket event received to its ack sent (for message.send: stored and committed), by event and outcome (ok or the error code)',
  labelNames: ['event', 'outcome'] as const,
  buckets: FAST_BUCKETS,
});

export const fanoutSeconds = new Histogram({
  name: 'parley_message_fanout_seconds',
  help: "From a message's commit to its broadcast to the thread's room (handed to the adapter: local sockets and, with Redis, the other nodes)",
  buckets: FAST_BUCKETS,
});

export const rateLimited = new Counter({
  name: 'parley_rate_limited_total',
  help: 'Requests and events refused with RATE_LIMITED, by limit',
  labelNames: ['limit'] as const,
});

export const queueWaitSeconds = new Histogram({
  name: 'parley_queue_wait_seconds',
  help: 'From a thread created to its first agent (claimed or assigned)',
  buckets: HUMAN_BUCKETS,
});

export const firstResponseSeconds = new Histogram({
  name: 'parley_first_response_seconds',
  help: "From a thread created to its first agent message",
  buckets: HUMAN_BUCKETS,
});

export const webhookAttempts = new Counter({
  name: 'parley_webhook_attempts_total',
  help: 'Webhook delivery attempts made by this node, by outcome (succeeded, http_4xx, http_5xx, no_answer: timeout, refused, unreachable)',
  labelNames: ['outcome'] as const,
});

export const emailAttempts = new Counter({
  name: 'parley_email_attempts_total',
  help: 'Attempts to hand a mail of the email outbox to the SMTP server, by outcome (sent, failed: refused or no answer, will be retried; given_up: the last retry failed)',
  labelNames: ['outcome'] as const,
});

/** The names rateLimited counts under. */
export type RateLimitName =
  | 'socket_message_send'
  | 'socket_thread_start'
  | 'socket_typing'
  | 'socket_other'
  | 'socket_handshake'
  | 'socket_handshake_failed'
  | 'login_account'
  | 'auth_address'
  | 'api_key'
  | 'upload';

/** Seconds since `start`, a `performance.now()` reading. */
export function since(start: number): number {
  return (performance.now() - start) / 1000;
}
