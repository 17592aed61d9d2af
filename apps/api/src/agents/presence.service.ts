import { Injectable, Logger } from '@nestjs/common';
import { AgentsService } from './agents.service';

/** A page reload or a move to another node reconnects within this; the agent must not flicker offline meanwhile. */
export const OFFLINE_GRACE_MS = 3000;

/**
 * Presence as it follows an agent's connections: connecting brings an offline agent online (an agent
 * who chose "away" stays away), and losing the last connection on every node takes it offline.
 */
@Injectable()
export class PresenceService {
  private readonly log = new Logger('Presence');

  constructor(private readonly agents: AgentsService) {}

  /** Never rejects: a presence that could not be stored must not refuse the connection. */
  async connected(agentId: string): Promise<void> {
    await this.agents.setPresence(agentId, 'online', 'offline').catch((err: unknown) => this.log.warn(String(err)));
  }

  /**
   * One of the agent's connections closed. `stillConnected` tells whether any is left on any node; it
   * is asked only after the grace period, so a connection made meanwhile keeps the agent online (and
   * the agent is not marked offline after its new connection already said it was back).
   */
  disconnected(agentId: string, stillConnected: () => Promise<boolean>): void {
    setTimeout(() => void this.markOfflineIfGone(agentId, stillConnected), OFFLINE_GRACE_MS).unref();
  }

  private async markOfflineIfGone(agentId: string, stillConnected: () => Promise<boolean>): Promise<void> {
    try {
      if (!(await stillConnected())) await this.agents.setPresence(agentId, 'offline');
    } catch (err) {
      this.log.warn(`presence of ${agentId}: ${String(err)}`);
    }
  }
}
