import type { Principal } from '../auth/principal';
import type { ThreadAccess } from './threads.repository';

/**
 * Who may do what to a thread, for REST and sockets alike (docs/permissions.md, "Who may do
 * what"). Reading and writing messages are decided in ThreadsService (readable, writable)
 * and in the batch statement; claiming is open to any agent while the thread is queued.
 */

/** Assign or transfer: admins, the current assignee (its own thread), integrators. */
export function mayAssign(p: Principal, t: ThreadAccess): boolean {
  if (p.kind === 'apiKey') return true;
  if (p.kind === 'agent') return p.role === 'admin' || t.assignedAgentId === p.id;
  return false;
}

/** Close: the assignee, admins, the thread's own visitor, integrators. */
export function mayClose(p: Principal, t: ThreadAccess): boolean {
  if (p.kind === 'apiKey') return true;
  if (p.kind === 'visitor') return t.visitorId === p.id;
  return p.role === 'admin' || t.assignedAgentId === p.id;
}
