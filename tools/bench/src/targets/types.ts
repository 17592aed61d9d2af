/** What the generator talks to: Parley itself, or one of the two ceilings built from its stack. */
export type TargetKind = 'parley' | 'parley-raw' | 'relay' | 'stack' | 'stack-batch';

/** How the generator's clients talk to the target: socket.io, or the old system's raw WebSocket frames. */
export type WireProtocol = 'socketio' | 'raw';

export const TARGET_LABEL: Record<TargetKind, string> = {
  parley: 'Parley',
  'parley-raw': 'Parley, raw WebSocket (legacy protocol)',
  relay: 'relay ceiling (bare socket.io)',
  stack: 'stack ceiling (socket.io + pg, 1 tx/message)',
  'stack-batch': 'stack ceiling (socket.io + pg, group commit)',
};

export type Role = 'visitor' | 'agent' | 'watcher';

/** One socket the generator opens. `node` picks the server URL (two-node runs). */
export interface ClientSpec {
  token: string;
  role: Role;
  node: number;
  /** Threads whose rooms it joins (ClientEvent.ThreadJoin) after connecting. */
  threads: string[];
}

/** A thread's room: who is in it and who writes to it (indices into `clients`). */
export interface RoomSpec {
  threadId: string;
  members: number[];
  senders: number[];
}

export interface Population {
  clients: ClientSpec[];
  rooms: RoomSpec[];
}

export interface PopulationSpec {
  /** Threads (one visitor each). */
  rooms: number;
  /** Threads each agent works; its one socket is in all of their rooms. 0: no agents. */
  threadsPerAgent: number;
  /** Extra agent sockets per room that only watch (fan-out). */
  watchersPerRoom: number;
  /** Who writes: both sides, or only one. */
  senders: 'both' | 'visitor' | 'agent';
  /** Two-node runs: agents (and watchers) connect to node 1, visitors to node 0. */
  splitNodes?: boolean;
}

export interface TargetOptions {
  /** CPUs the server(s) run on, per node, e.g. ["0"] or ["0", "0"]. */
  serverCpus: string[];
  nodes: number;
  poolSize: number;
  /** Parley only: the built server to start (a copy of dist/apps/api). */
  serverEntry?: string;
  /** Parley only: run on the embedded PGlite instead of PostgreSQL. */
  embedded?: boolean;
  redisUrl?: string;
  /** Extra environment for the server processes (e.g. NODE_OPTIONS for profiling). */
  extraEnv?: Record<string, string>;
  /** Extra node flags for the server (e.g. --cpu-prof). */
  nodeArgs?: string[];
  log: (line: string) => void;
}

export interface Target {
  readonly kind: TargetKind;
  /** What the generator speaks to it. */
  readonly protocol: WireProtocol;
  /** Socket.io URL per node. */
  readonly urls: string[];
  start(): Promise<void>;
  populate(spec: PopulationSpec): Promise<Population>;
  /** Stops the server processes and starts them again on the same database and ports (a fresh heap). */
  restart(): Promise<void>;
  /** Each server's memory after a full GC (servers started with HEAP_PROBE_ARGS). */
  heap(): Promise<NodeJS.MemoryUsage[]>;
  /** Starts or stops a CPU profile (and event-loop delay histogram) in each server (PROBE_ARGS). */
  probe(command: 'memory' | 'prof-start' | 'prof-stop' | 'alloc-start' | 'alloc-stop'): Promise<Array<Record<string, unknown>>>;
  /** Server process ids (for CPU and RSS sampling). */
  serverPids(): number[];
  /** Database backends serving this target (for CPU sampling); empty without a database. */
  databasePids(): Promise<number[]>;
  /** Messages by visitors and agents in the database; null when nothing is stored. */
  storedMessages(): Promise<number | null>;
  stop(): Promise<void>;
}
