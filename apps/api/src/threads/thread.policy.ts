import type { Thread } from '@parley/contracts';
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

/** Put tags on a thread or take them off: any agent (every agent may read every thread), integrators. */
export function mayTag(p: Principal): boolean {
  return p.kind === 'agent' || p.kind === 'apiKey';
}

/**
 * Read and write a thread's private notes: any agent (every agent may read every thread),
 * integrators. Never a visitor, who is answered as if the thread did not exist.
 */
export function mayNote(p: Principal): boolean {
  return p.kind === 'agent' || p.kind === 'apiKey';
}

/** A thread as this caller sees it: tags are the team's own words, never shown to visitors. */
export function seenBy(principal: Principal, thread: Thread): Thread {
  return principal.kind === 'visitor' ? forVisitor(thread) : thread;
}

/** What the thread's visitor is told of it (REST answers, socket events to the visitor's rooms). */
export function forVisitor(thread: Thread): Thread {
  return thread.tags.length ? { ...thread, tags: [] } : thread;
}
