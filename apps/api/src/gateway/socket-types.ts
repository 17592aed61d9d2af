import type { ClientToServerEvents, ServerToClientEvents } from '@parley/contracts';
import type { Server, Socket } from 'socket.io';
import type { Principal } from '../auth/principal';

export interface SocketData {
  principal: Principal;
}
export type ParleyServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
