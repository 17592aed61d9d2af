import type {
  Ack,
  AckFailure,
  ClientToServerEvents,
  ErrorCode,
  ServerToClientEvents,
} from '@parley/contracts';
import { sleep } from '@parley/test-support';
import { io, type Socket } from 'socket.io-client';
import { e2e } from './state';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type ServerEventName = keyof ServerToClientEvents;
export type EventArg<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

// ACK_MS and EVENT_MS bound liveness, they do not measure speed (a busy machine answers well within them).
/** Every ack is awaited through `socket.timeout(ACK_MS).emitWithAck(...)`. */
export const ACK_MS = 10_000;
export const EVENT_MS = 10_000;
/**
 * How long "nothing (else) arrives" is watched for, where nothing else can be awaited: such a window
 * can only let a late duplicate slip by on a slow machine, never fail a correct server.
 */
export const QUIET_MS = 600;

const open = new Set<ClientSocket>();

export interface ConnectOptions {
  /** The Origin header; defaults to the allowed origin, `null` sends none. */
  origin?: string | null;
  timeoutMs?: number;
  /** More handshake headers (a browser's User-Agent). */
  headers?: Record<string, string>;
}

function untyped(socket: ClientSocket): Socket {
  return socket as unknown as Socket;
}

function create(token: string | undefined, opts: ConnectOptions): ClientSocket {
  const origin = opts.origin === undefined ? e2e().allowedOrigin : opts.origin;
  const socket: ClientSocket = io(e2e().baseUrl, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    extraHeaders: { ...opts.headers, ...(origin === null ? {} : { Origin: origin }) },
    // Tests reconnect on purpose, never by accident.
    reconnection: false,
    forceNew: true,
    timeout: opts.timeoutMs ?? 5000,
  });
  open.add(socket);
  return socket;
}

type Outcome = { connected: true } | { connected: false; error: Error };

function settle(socket: ClientSocket, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const s = untyped(socket);
    const cleanup = () => {
      clearTimeout(timer);
      s.off('connect', onConnect);
      s.off('connect_error', onError);
    };
    const onConnect = () => (cleanup(), resolve({ connected: true }));
    const onError = (error: Error) => (cleanup(), resolve({ connected: false, error }));
    const timer = setTimeout(
      () => (cleanup(), reject(new Error(`socket neither connected nor failed within ${timeoutMs} ms`))),
      timeoutMs,
    );
    s.once('connect', onConnect);
    s.once('connect_error', onError);
  });
}

export async function connect(token: string, opts: ConnectOptions = {}): Promise<ClientSocket> {
  const socket = create(token, opts);
  const outcome = await settle(socket, (opts.timeoutMs ?? 5000) + 1000);
  if (!outcome.connected) throw new Error(`socket handshake refused: ${outcome.error.message}`);
  return socket;
}

/** Opens a socket that must be refused in the handshake; resolves with the connect_error. */
export async function connectRefused(token: string | undefined, opts: ConnectOptions = {}): Promise<Error> {
  const socket = create(token, opts);
  const outcome = await settle(socket, (opts.timeoutMs ?? 5000) + 1000);
  if (outcome.connected) {
    const dropped = await waitForDisconnect(socket, QUIET_MS).then(
      (reason) => `, then the server disconnected it (${reason})`,
      () => '',
    );
    throw new Error(`expected the handshake to be refused, but the socket connected${dropped}`);
  }
  return outcome.error;
}

/** Connects a socket again after `disconnect()`. */
export async function reconnect(socket: ClientSocket, timeoutMs = 5000): Promise<void> {
  const outcome = settle(socket, timeoutMs);
  socket.connect();
  const result = await outcome;
  if (!result.connected) throw new Error(`reconnect refused: ${result.error.message}`);
}

export async function closeAllSockets(): Promise<void> {
  for (const socket of open) socket.disconnect();
  open.clear();
}

/** Resolves with the first `event` whose payload satisfies `predicate`; rejects after `timeoutMs`. */
export function waitFor<E extends ServerEventName>(
  socket: ClientSocket,
  event: E,
  predicate: (arg: EventArg<E>) => boolean = () => true,
  timeoutMs = EVENT_MS,
): Promise<EventArg<E>> {
  const s = untyped(socket);
  const name: string = event;
  // Created here so a timeout points at the test line that waited, not at a timer.
  const timeoutError = new Error(`no matching "${name}" within ${timeoutMs} ms`);
  const promise = new Promise<EventArg<E>>((resolve, reject) => {
    const listener = (arg: EventArg<E>) => {
      if (!predicate(arg)) return;
      cleanup();
      resolve(arg);
    };
    const cleanup = () => {
      clearTimeout(timer);
      s.off(name, listener);
    };
    const timer = setTimeout(() => (cleanup(), reject(timeoutError)), timeoutMs);
    s.on(name, listener);
  });
  // The caller awaits it later; until then a rejection must not count as unhandled.
  promise.catch(() => undefined);
  return promise;
}

export function waitForDisconnect(socket: ClientSocket, timeoutMs = EVENT_MS): Promise<string> {
  const s = untyped(socket);
  const promise = new Promise<string>((resolve, reject) => {
    if (!socket.connected && !socket.active) return resolve('already disconnected');
    const listener = (reason: string) => (clearTimeout(timer), resolve(reason));
    const timer = setTimeout(
      () => (s.off('disconnect', listener), reject(new Error(`not disconnected within ${timeoutMs} ms`))),
      timeoutMs,
    );
    s.once('disconnect', listener);
  });
  promise.catch(() => undefined);
  return promise;
}

export interface Recorder<E extends ServerEventName> {
  readonly events: EventArg<E>[];
  stop(): void;
}

/** Records every `event` from now on, to count deliveries. */
export function record<E extends ServerEventName>(socket: ClientSocket, event: E): Recorder<E> {
  const s = untyped(socket);
  const name: string = event;
  const events: EventArg<E>[] = [];
  const listener = (arg: EventArg<E>) => void events.push(arg);
  s.on(name, listener);
  return { events, stop: () => void s.off(name, listener) };
}

/** Watches for QUIET_MS and fails if a matching `event` arrives. */
export function expectNoEvent<E extends ServerEventName>(
  socket: ClientSocket,
  event: E,
  predicate: (arg: EventArg<E>) => boolean = () => true,
  ms = QUIET_MS,
): Promise<void> {
  const rec = record(socket, event);
  const promise = sleep(ms).then(() => {
    rec.stop();
    expect(rec.events.filter(predicate)).toEqual([]);
  });
  promise.catch(() => undefined);
  return promise;
}

type ClientEventName = keyof ClientToServerEvents;
export type PayloadOf<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[0];
export type AckOf<E extends ClientEventName> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/**
 * `socket.timeout(ACK_MS).emitWithAck(...)` with the ack typed from the contract (socket.io's
 * own typing of `timeout().emitWithAck` resolves to `any`). Rejects when no ack comes in time.
 */
export function emitAck<E extends ClientEventName>(
  socket: ClientSocket,
  event: E,
  payload: PayloadOf<E>,
): Promise<AckOf<E>> {
  const name: string = event;
  return untyped(socket).timeout(ACK_MS).emitWithAck(name, payload) as Promise<AckOf<E>>;
}

/** Emits an event the typed map does not allow (bad payloads, unknown names) and awaits the ack. */
export function emitRaw(socket: ClientSocket, event: string, payload: unknown): Promise<unknown> {
  return untyped(socket).timeout(ACK_MS).emitWithAck(event, payload);
}

export function expectAckOk<A extends Ack>(ack: A): Extract<A, { ok: true }> {
  if (!ack.ok) throw new Error(`expected an ok ack, got ${JSON.stringify(ack)}`);
  return ack as Extract<A, { ok: true }>;
}

export function expectAckError(ack: unknown, code: ErrorCode): AckFailure {
  const failure = ack as AckFailure;
  if (failure?.ok !== false || failure.error?.code !== code) {
    throw new Error(`expected ack error ${code}, got ${JSON.stringify(ack)?.slice(0, 600)}`);
  }
  expect(typeof failure.error.message).toBe('string');
  return failure;
}
