import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@parley/contracts';
import type { Server, Socket } from 'socket.io';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface DrainSummary {
  /** Acks owed when the drain began. */
  waitedFor: number;
  /** Acks still owed at the deadline, cut with their connections. */
  unanswered: number;
  /** Connections closed. */
  closed: number;
}

/**
 * The socket half of a graceful shutdown. It counts the acks this node owes its clients (an ack is
 * owed from the moment a handled event arrives until the handler answers it, which is after its
 * commit), and on `drain` stops taking events, waits for those acks, then closes every connection.
 */
@Injectable()
export class SocketDrain {
  private readonly servers: Server[] = [];
  private isAccepting = true;
  /** Acks not yet answered, per socket id; a socket that goes away takes its count with it. */
  private readonly pendingAcks = new Map<string, number>();

  /** Counts the acks of every socket that connects to `server` from now on. */
  track(server: Server): void {
    this.servers.push(server);
    server.on('connection', (socket: Socket) => this.trackAcks(socket));
  }

  /** False once the drain began: new events are refused UNAVAILABLE. */
  get accepting(): boolean {
    return this.isAccepting;
  }

  /**
   * Counts one answer owed to a connection that is not a socket.io socket (the raw endpoint's
   * chat frames); the returned function marks it answered.
   */
  owe(connectionId: string): () => void {
    this.pendingAcks.set(connectionId, (this.pendingAcks.get(connectionId) ?? 0) + 1);
    let paid = false;
    return () => {
      if (paid) return;
      paid = true;
      this.pay(connectionId);
    };
  }

  /** Acks this node still owes its clients. */
  get acksInFlight(): number {
    let n = 0;
    for (const count of this.pendingAcks.values()) n += count;
    return n;
  }

  /**
   * New events are answered UNAVAILABLE (clients retry elsewhere with the same clientMsgId), events
   * already taken get their ack (until `deadline`), then every connection is closed at the transport
   * level: clients see "transport close", which socket.io clients answer by reconnecting (through the
   * load balancer, to another node) and resyncing.
   */
  async drain(deadline: number): Promise<DrainSummary> {
    this.isAccepting = false;
    const waitedFor = this.acksInFlight;
    while (this.acksInFlight > 0 && Date.now() < deadline) await sleep(25);
    const unanswered = this.acksInFlight;
    let closed = 0;
    for (const server of this.servers) {
      for (const socket of server.of('/').sockets.values()) {
        socket.conn.close();
        closed += 1;
      }
    }
    return { waitedFor, unanswered, closed };
  }

  private pay(connectionId: string): void {
    const left = (this.pendingAcks.get(connectionId) ?? 1) - 1;
    if (left > 0) this.pendingAcks.set(connectionId, left);
    else this.pendingAcks.delete(connectionId);
  }

  private trackAcks(socket: Socket): void {
    socket.on('disconnect', () => this.pendingAcks.delete(socket.id));
    socket.use((packet, next) => {
      const last = packet.length - 1;
      const ack: unknown = packet[last];
      // Events nobody handles are answered by the gateway's catch-all; only handled ones are counted.
      if (typeof ack !== 'function' || socket.listenerCount(String(packet[0])) === 0) return next();
      if (!this.isAccepting) {
        ack({ ok: false, error: { code: ErrorCode.Unavailable, message: 'This server is shutting down; retry' } });
        return;
      }
      this.pendingAcks.set(socket.id, (this.pendingAcks.get(socket.id) ?? 0) + 1);
      let answered = false;
      packet[last] = (...args: unknown[]) => {
        if (!answered) {
          answered = true;
          this.pay(socket.id);
        }
        (ack as (...a: unknown[]) => void)(...args);
      };
      next();
    });
  }
}
