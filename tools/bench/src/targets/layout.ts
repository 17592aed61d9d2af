import type { ClientSpec, Population, PopulationSpec, RoomSpec } from './types';

/** How many agents a population needs: each works `threadsPerAgent` threads. */
export function agentCount(spec: PopulationSpec): number {
  return spec.threadsPerAgent > 0 ? Math.ceil(spec.rooms / spec.threadsPerAgent) : 0;
}

export function agentOf(spec: PopulationSpec, room: number): number {
  return Math.floor(room / spec.threadsPerAgent);
}

/**
 * The same shape for every target: visitor i owns thread i, agent j works threads
 * [j·k, (j+1)·k) with one socket in all their rooms, and each room may have watchers (agent sockets
 * that only listen; watcher w of every room uses watcher identity w).
 */
export function layout(
  spec: PopulationSpec,
  threads: readonly string[],
  tokens: { visitor: (i: number) => string; agent: (j: number) => string; watcher: (w: number) => string },
): Population {
  const clients: ClientSpec[] = [];
  const rooms: RoomSpec[] = [];
  const agentNode = spec.splitNodes ? 1 : 0;
  for (let i = 0; i < spec.rooms; i++) {
    clients.push({ token: tokens.visitor(i), role: 'visitor', node: 0, threads: [threads[i]] });
  }
  const agents = agentCount(spec);
  const firstAgent = clients.length;
  for (let j = 0; j < agents; j++) {
    const mine = threads.slice(j * spec.threadsPerAgent, (j + 1) * spec.threadsPerAgent);
    clients.push({ token: tokens.agent(j), role: 'agent', node: agentNode, threads: mine });
  }
  for (let i = 0; i < spec.rooms; i++) {
    const visitor = i;
    const agent = agents > 0 ? firstAgent + agentOf(spec, i) : -1;
    const members = agent >= 0 ? [visitor, agent] : [visitor];
    for (let w = 0; w < spec.watchersPerRoom; w++) {
      members.push(clients.length);
      clients.push({ token: tokens.watcher(w), role: 'watcher', node: agentNode, threads: [threads[i]] });
    }
    const senders =
      spec.senders === 'visitor' || agent < 0 ? [visitor] : spec.senders === 'agent' ? [agent] : [visitor, agent];
    rooms.push({ threadId: threads[i], members, senders });
  }
  return { clients, rooms };
}
