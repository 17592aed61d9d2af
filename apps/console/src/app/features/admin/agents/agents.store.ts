import { DestroyRef, inject, Injectable, signal } from '@angular/core';
import { type Agent, type AgentRole, type CreateAgentRequest, ServerEvent } from '@parley/contracts';
import { ApiClient } from '../../../core/api/api-client';
import { describeError } from '../../../core/api/api-error';
import { RealtimeService } from '../../../core/realtime/realtime.service';

/** The team: list, create, change role, deactivate and reactivate; presence stays live. */
@Injectable()
export class AgentsStore {
  private readonly api = inject(ApiClient);
  private readonly list = signal<readonly Agent[]>([]);
  private readonly state = signal<'loading' | 'ready' | 'error'>('loading');
  private readonly failure = signal<string | null>(null);
  private readonly pending = signal<string | null>(null);
  /** Changes heard while the list is being fetched: the fetched list may predate them. */
  private heardWhileLoading: Agent[] | null = null;

  readonly agents = this.list.asReadonly();
  readonly status = this.state.asReadonly();
  readonly error = this.failure.asReadonly();
  /** Id of the agent being changed. */
  readonly busyId = this.pending.asReadonly();

  constructor() {
    const off = inject(RealtimeService).on(ServerEvent.AgentUpdated, (a) => {
      this.heardWhileLoading?.push(a);
      this.put(a);
    });
    inject(DestroyRef).onDestroy(off);
  }

  async load(): Promise<void> {
    const heard: Agent[] = [];
    this.heardWhileLoading = heard;
    try {
      const agents = await this.api.call('get /agents');
      this.list.set(agents);
      // An agent who came online (or went away) while the request was on its way stays so.
      for (const a of heard) this.put(a);
      this.state.set('ready');
    } catch (err) {
      this.failure.set(describeError(err));
      this.state.set('error');
    } finally {
      if (this.heardWhileLoading === heard) this.heardWhileLoading = null;
    }
  }

  /** Throws the ApiError, so the form can show field errors. */
  async create(body: CreateAgentRequest): Promise<Agent> {
    const agent = await this.api.call('post /agents', { body });
    this.put(agent);
    return agent;
  }

  setRole(id: string, role: AgentRole): Promise<string | null> {
    return this.change(id, { role });
  }

  setActive(id: string, active: boolean): Promise<string | null> {
    return this.change(id, { active });
  }

  /** How many conversations the agent may work at once (1..50). */
  setCapacity(id: string, maxConcurrent: number): Promise<string | null> {
    return this.change(id, { maxConcurrent });
  }

  /** Returns why it failed (the last admin cannot lose the role, say), or null. */
  private async change(id: string, body: { role?: AgentRole; active?: boolean; maxConcurrent?: number }): Promise<string | null> {
    this.pending.set(id);
    try {
      this.put(await this.api.call('patch /agents/{id}', { params: { id }, body }));
      return null;
    } catch (err) {
      return describeError(err);
    } finally {
      this.pending.set(null);
    }
  }

  private put(agent: Agent): void {
    // A PATCH answers without the live load: the one listed stays.
    this.list.update((l) =>
      l.some((a) => a.id === agent.id) ? l.map((a) => (a.id === agent.id ? { ...a, ...agent } : a)) : [...l, agent],
    );
  }
}
