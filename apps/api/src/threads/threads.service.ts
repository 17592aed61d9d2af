import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  type ActorType,
  type AuthorType,
  ErrorCode,
  IdSchema,
  type ListThreadsQuery,
  type Message,
  type MessagePage,
  type Thread,
  type ThreadPage,
} from '@parley/contracts';
import type { AgentPrincipal, Principal, VisitorPrincipal } from '../auth/principal';
import { AppError } from '../common/app-error';
import { DomainEvents } from '../common/domain-events';
import { AgentsService } from '../agents/agents.service';
import { type OutboxEvent, type ThreadChange, WebhookOutbox } from '../webhooks/webhook-outbox';
import { MessageWriter } from './message.writer';
import { queueWaitSeconds } from '../metrics/instruments';
import { AvailabilityService } from '../availability/availability.service';
import { forVisitor, mayAssign, mayClose, mayTag, seenBy } from './thread.policy';
import { searchOf, type Sql, type ThreadAccess, ThreadsRepository } from './threads.repository';

const notFound = () => new AppError(ErrorCode.ThreadNotFound, 'No such thread');

const AUTHOR_OF: Record<Principal['kind'], AuthorType> = { visitor: 'visitor', agent: 'agent', apiKey: 'bot' };
const ACTOR_OF: Record<Principal['kind'], ActorType> = { visitor: 'visitor', agent: 'agent', apiKey: 'integration' };

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString('base64url');
}

/** Exactly what encodeCursor writes: the row's created_at as the list query prints it, and its id. */
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * Each field is checked before it reaches SQL: a cursor this API did not write (a bare number, a
 * date with dashes for an id) is a 400, never a failed cast.
 */
function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const [createdAt = '', id = ''] = parts;
  const valid = parts.length === 2 && CURSOR_TIME.test(createdAt) && !Number.isNaN(Date.parse(createdAt)) && IdSchema.safeParse(id).success;
  if (!valid) {
    throw new AppError(ErrorCode.ValidationFailed, 'cursor: not a cursor this API returned', [
      { path: 'cursor', message: 'invalid cursor' },
    ]);
  }
  return { createdAt, id };
}

/**
 * Threads and their messages. Every method takes the verified caller and decides access itself:
 * a visitor only ever sees its own threads (others read as "not found"), agents and integrators
 * see all, and only the assigned agent writes as an agent.
 */
@Injectable()
export class ThreadsService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('Threads');
  private unsubscribe?: () => void;

  constructor(
    private readonly repo: ThreadsRepository,
    private readonly agents: AgentsService,
    private readonly events: DomainEvents,
    private readonly writer: MessageWriter,
    private readonly outbox: WebhookOutbox,
    private readonly availability: AvailabilityService,
  ) {}

  /** A deactivated agent's conversations go back to the queue, where another agent can take them. */
  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((e) => {
      if (e.type !== 'agent.updated' || e.agent.active) return;
      this.requeueThreadsOf(e.agent).catch((err: unknown) => this.log.error(`re-queueing the threads of ${e.agent.id}: ${String(err)}`));
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** The agent's active threads, queued again and unassigned, each with a note the visitor sees. */
  async requeueThreadsOf(agent: { id: string; name: string }): Promise<Thread[]> {
    const notes = await this.repo.transaction(async (sql) => {
      const ids = await this.repo.releaseAgent(sql, agent.id);
      const out: Message[] = [];
      for (const id of ids) {
        const note = await this.systemMessage(sql, id, `${agent.name} is no longer available; waiting for another agent`);
        if (note) out.push(note);
        await this.recordChange(sql, id, 'requeued', note);
      }
      return out;
    });
    if (notes.length > 0) this.outboxCommitted(['thread.updated', 'message.created']);
    return Promise.all(notes.map((note) => this.announce(note.threadId, note)));
  }

  /**
   * The visitor's open thread, created if there is none, in the team the host page asked for (by id
   * or name), else in the widget's team. An unknown team is not an error: the chat must start.
   */
  async start(visitor: VisitorPrincipal, team?: string): Promise<{ thread: Thread; created: boolean }> {
    // Stored with the thread, so the queue can say it arrived while the site was closed.
    const whileClosed = !(await this.availability.current()).open;
    const created = await this.repo.transaction(async (sql) => {
      const teamId = await this.startTeam(sql, team);
      const id = await this.repo.insertOpen(visitor.id, sql, teamId, whileClosed);
      if (!id) return null;
      const thread = await this.repo.findById(id, sql);
      if (!thread) throw notFound();
      await this.outbox.record(sql, [WebhookOutbox.threadCreated(stripCursor(thread))]);
      return stripCursor(thread);
    });
    if (created) {
      this.outboxCommitted(['thread.created']);
      this.events.emit({ type: 'thread.created', thread: created });
      return { thread: created, created: true };
    }
    const [openId] = await this.repo.openThreadIds({ visitorId: visitor.id });
    // The open thread can be closed between the failed insert and this read: then try once more.
    return openId ? { thread: forVisitor(await this.load(openId)), created: false } : this.start(visitor, team);
  }

  private async startTeam(sql: Sql, team: string | undefined): Promise<string | null> {
    const asked = team?.trim();
    // Whatever the host page wrote: a name with characters no team name has is simply not a team.
    if (asked && ![...asked].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)) {
      const isId = IdSchema.safeParse(asked).success;
      const [found] = (await sql.query(`SELECT id FROM teams WHERE ${isId ? 'id = $1::uuid' : 'lower(name) = lower($1)'}`, [asked])) as { id: string }[];
      if (found) return found.id;
    }
    const [settings] = (await sql.query(`SELECT widget_team_id FROM routing_settings WHERE id = 1`)) as { widget_team_id: string | null }[];
    return settings?.widget_team_id ?? null;
  }

  async get(principal: Principal, id: string): Promise<Thread> {
    const thread = await this.repo.findById(id);
    if (!thread || (principal.kind === 'visitor' && thread.visitor.id !== principal.id)) throw notFound();
    return seenBy(principal, stripCursor(thread));
  }

  async list(principal: Principal, q: ListThreadsQuery): Promise<ThreadPage> {
    const assigneeId =
      q.assignee === undefined ? undefined : q.assignee === 'none' ? null : q.assignee === 'me' ? principal.id : q.assignee;
    if (q.assignee === 'me' && principal.kind !== 'agent') {
      throw new AppError(ErrorCode.ValidationFailed, 'assignee=me needs an agent token', [
        { path: 'assignee', message: 'only agents have threads of their own' },
      ]);
    }
    if (q.tag !== undefined && principal.kind === 'visitor') {
      throw new AppError(ErrorCode.ValidationFailed, 'tag: visitors do not see tags', [{ path: 'tag', message: 'only agents and integrations filter by tag' }]);
    }
    const search = q.q === undefined ? undefined : searchOf(q.q);
    // Only punctuation: nothing to look for, so nothing is found.
    if (search === null) return { items: [], nextCursor: null };
    const { items: found, cursors } = await this.repo.list({
      visitorId: principal.kind === 'visitor' ? principal.id : undefined,
      status: q.status,
      assigneeId,
      tagId: q.tag,
      teamId: q.team === undefined ? undefined : q.team === 'none' ? null : q.team,
      search,
      order: q.order,
      limit: q.limit + 1,
      after: q.cursor ? decodeCursor(q.cursor) : undefined,
    });
    const items = found.map((t) => seenBy(principal, t));
    const hasMore = items.length > q.limit;
    const page = items.slice(0, q.limit);
    const last = page.length - 1;
    return { items: page, nextCursor: hasMore ? encodeCursor(cursors[last], page[last].id) : null };
  }

  async messages(principal: Principal, threadId: string, afterSeq: number, limit: number): Promise<MessagePage> {
    const access = await this.readable(principal, threadId);
    const items = await this.repo.messagesAfter(threadId, afterSeq, limit + 1);
    const hasMore = items.length > limit;
    return { items: items.slice(0, limit), lastSeq: access.lastSeq, hasMore };
  }

  /**
   * Stores a message with the thread's next seq; a repeated clientMsgId returns the stored message
   * (duplicate: true) and writes nothing. The event goes out only after the write is committed.
   */
  async postMessage(
    principal: Principal,
    threadId: string,
    input: { clientMsgId: string; body?: string; attachments?: readonly string[] },
  ): Promise<{ message: Message; duplicate: boolean }> {
    const attachments = input.attachments?.length ? await this.attachable(principal, threadId, input.clientMsgId, input.attachments) : [];
    // Access is decided in the write itself, under the thread's row lock (MessageWriter batches it).
    const { thread, message, inserted, committedAt } = await this.writer.write({
      threadId,
      authorType: AUTHOR_OF[principal.kind],
      authorId: principal.id,
      authorName: principal.name,
      body: input.body ?? '',
      clientMsgId: input.clientMsgId,
      attachments,
    });
    if (!thread || (principal.kind === 'visitor' && thread.visitorId !== principal.id)) throw notFound();
    if (principal.kind === 'agent' && thread.assignedAgentId !== principal.id) throw notAssigned(thread);
    if (!message) throw thread.status === 'closed' ? closed() : notFound();
    if (!inserted) return { message, duplicate: true };
    this.events.emit({ type: 'message.created', message, committedAt });
    // Agents watch the queue, not the room: the first words of a waiting visitor reach them this way.
    if (thread.status === 'queued' && principal.kind === 'visitor' && message.seq === 1) {
      this.events.emit({ type: 'thread.updated', thread: await this.load(threadId) });
    }
    return { message, duplicate: false };
  }

  /**
   * The caller's own uploads to this thread, in order, each not yet attached (or attached to the
   * message this clientMsgId already stored: a resend). Anything else is ATTACHMENT_NOT_FOUND, after
   * the thread itself was found writable, so a foreign thread still reads as no thread.
   */
  private async attachable(principal: Principal, threadId: string, clientMsgId: string, ids: readonly string[]) {
    const found = await this.repo.attachable(threadId, { type: AUTHOR_OF[principal.kind], id: principal.id }, clientMsgId, ids);
    if (found.length === ids.length) return found;
    await this.writable(principal, threadId);
    const missing = ids.filter((id) => !found.some((f) => f.id === id));
    throw new AppError(ErrorCode.AttachmentNotFound, 'No such upload of yours in this thread, or it is attached to another message', [
      { path: 'attachments', message: `not attachable: ${missing.join(', ')}` },
    ]);
  }

  async claim(agent: AgentPrincipal, threadId: string): Promise<Thread> {
    const won = await this.repo.transaction(async (sql) => {
      // The thread's lock, then the agent's (the order every assignment takes): capacity holds under any race.
      const access = await this.repo.lockedAccess(sql, threadId);
      if (!access || access.status !== 'queued') return null;
      const load = await this.repo.lockedLoad(sql, agent.id);
      if (load && load.active >= load.maxConcurrent) throw atCapacity(load);
      if (!(await this.repo.claim(sql, threadId, agent.id))) return null;
      const note = await this.systemMessage(sql, threadId, `${agent.name} joined the conversation`);
      await this.recordChange(sql, threadId, 'claimed', note);
      return note;
    });
    if (won) return firstAgent(await this.announce(threadId, won, agent.id));
    const thread = await this.repo.findById(threadId);
    if (!thread) throw notFound();
    if (thread.status === 'closed') throw closed();
    if (thread.assignedAgent?.id === agent.id) return stripCursor(thread);
    throw new AppError(
      ErrorCode.ThreadAlreadyClaimed,
      `Already claimed by ${thread.assignedAgent?.name ?? 'another agent'}`,
    );
  }

  /**
   * Assigns or transfers an open thread (see thread.policy.ts for who may), within the agent's
   * `maxConcurrent` unless an admin forces it.
   */
  async assign(principal: Principal, threadId: string, agentId: string, force = false): Promise<Thread> {
    const target = await this.agents.get(agentId);
    const text = principal.id === agentId ? `${target.name} joined the conversation` : `${principal.name} assigned the conversation to ${target.name}`;
    let wasQueued = false;
    const message = await this.repo.transaction(async (sql) => {
      // The row stays locked from the decision to the change: a claim in between cannot be overridden.
      const access = await this.repo.lockedAccess(sql, threadId);
      if (!access) throw notFound();
      if (access.status === 'closed') throw closed();
      if (!mayAssign(principal, access)) {
        throw new AppError(ErrorCode.Forbidden, 'Only an admin, an integration or the agent it is assigned to can transfer this conversation');
      }
      if (access.assignedAgentId === agentId) return null;
      const load = await this.repo.lockedLoad(sql, agentId);
      if (!load) throw agentNotFound();
      if (load.active >= load.maxConcurrent && !(force && isAdmin(principal))) throw atCapacity(load);
      wasQueued = access.status === 'queued';
      await this.repo.assign(sql, threadId, agentId);
      const note = await this.systemMessage(sql, threadId, text);
      await this.recordChange(sql, threadId, access.assignedAgentId ? 'transferred' : 'assigned', note);
      return note;
    });
    if (!message) return this.load(threadId);
    const thread = await this.announce(threadId, message, agentId);
    return wasQueued ? firstAgent(thread) : thread;
  }

  /**
   * Transfers an open thread to an agent or to a team's queue (null: the default queue). Who may:
   * as for assign (admins, the assignee, integrators). To an agent: active (else AGENT_NOT_FOUND),
   * online (else AGENT_UNAVAILABLE), in the thread's team (else NOT_TEAM_MEMBER), with a free slot
   * (else AGENT_AT_CAPACITY); an admin may force the last three. The system message the visitor sees
   * names where it went, never the note: the note is for agents only and is not stored here.
   */
  async transfer(
    principal: Principal,
    threadId: string,
    to: { agentId?: string; teamId?: string | null; force?: boolean },
  ): Promise<Thread> {
    const forced = to.force === true && isAdmin(principal);
    let joinAgentId: string | undefined;
    const message = await this.repo.transaction(async (sql) => {
      const access = await this.repo.lockedAccess(sql, threadId);
      if (!access || principal.kind === 'visitor') throw notFound();
      if (access.status === 'closed') throw closed();
      if (!mayAssign(principal, access)) {
        throw new AppError(ErrorCode.Forbidden, 'Only an admin, an integration or the agent it is assigned to can transfer this conversation');
      }
      if (to.agentId !== undefined) {
        const agentId = to.agentId;
        const load = await this.repo.lockedLoad(sql, agentId);
        if (!load) throw agentNotFound();
        if (access.assignedAgentId === agentId) return null;
        if (load.status !== 'online' && !forced) throw new AppError(ErrorCode.AgentUnavailable, `${load.name} is ${load.status}`);
        const teamId = await this.repo.teamOf(sql, threadId);
        if (teamId && !forced && !(await this.repo.isMember(sql, teamId, agentId))) {
          throw new AppError(ErrorCode.NotTeamMember, `${load.name} is not in this conversation's team`);
        }
        if (load.active >= load.maxConcurrent && !forced) throw atCapacity(load);
        await this.repo.assign(sql, threadId, agentId);
        joinAgentId = agentId;
        const note = await this.systemMessage(sql, threadId, `${principal.name} transferred the conversation to ${load.name}`);
        await this.recordChange(sql, threadId, access.assignedAgentId ? 'transferred' : 'assigned', note);
        return note;
      }
      const teamId = to.teamId ?? null;
      let queue = 'the general queue';
      if (teamId) {
        const [team] = (await sql.query(`SELECT name FROM teams WHERE id = $1`, [teamId])) as { name: string }[];
        if (!team) throw new AppError(ErrorCode.TeamNotFound, 'No such team');
        queue = `the ${team.name} queue`;
      }
      await this.repo.requeue(sql, threadId, teamId);
      const note = await this.systemMessage(sql, threadId, `${principal.name} transferred the conversation to ${queue}`);
      await this.recordChange(sql, threadId, 'requeued', note);
      return note;
    });
    if (!message) return this.load(threadId);
    return this.announce(threadId, message, joinAgentId);
  }

  /**
   * One step of automatic routing: the oldest queued thread of a queue in `auto` mode that has an
   * eligible agent (online, active, below `maxConcurrent`, a member of the thread's team; any agent
   * for the default queue) goes to the eligible agent with the fewest active threads, ties to the one
   * idle longest. One transaction with its system message. Every node runs it, one at a time (an
   * advisory lock), so queues are served in order and no thread is assigned twice; the thread's and
   * the agent's row locks (the order claims take) keep capacity exact against claims meanwhile.
   * Returns whether it assigned a thread.
   */
  async routeOne(): Promise<boolean> {
    // A look without the lock first: with nothing to route (manual queues), no node waits for another.
    if (!(await this.repo.nextRoute(this.repo.dataSource))) return false;
    const done = await this.repo.transaction(async (sql) => {
      await sql.query(`SELECT pg_advisory_xact_lock(hashtext('parley.routing'))`);
      for (let attempt = 0; attempt < 3; attempt++) {
        const pick = await this.repo.nextRoute(sql);
        if (!pick) return null;
        const access = await this.repo.lockedAccess(sql, pick.threadId);
        if (!access || access.status !== 'queued') continue;
        const load = await this.repo.lockedLoad(sql, pick.agentId);
        if (!load || load.status !== 'online' || load.active >= load.maxConcurrent) continue;
        await this.repo.assign(sql, pick.threadId, pick.agentId);
        const note = await this.systemMessage(sql, pick.threadId, `${load.name} joined the conversation`);
        await this.recordChange(sql, pick.threadId, 'assigned', note);
        return note ? { note, agentId: pick.agentId } : null;
      }
      return null;
    });
    if (!done) return false;
    firstAgent(await this.announce(done.note.threadId, done.note, done.agentId));
    return true;
  }

  /**
   * The unanswered-assignment timeout: threads whose assignee has not written since being given them
   * `minutes` ago (by `now`) go back to routing, with a system note. Returns how many.
   */
  async expireUnanswered(minutes: number, now: Date): Promise<number> {
    const notes = await this.repo.transaction(async (sql) => {
      const rows = (await sql.query(
        `SELECT t.id, a.name FROM threads t JOIN agents a ON a.id = t.assigned_agent_id
          WHERE t.status = 'active' AND t.assignee_since < $1::timestamptz - make_interval(mins => $2::int)
            AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id AND m.author_type = 'agent'
                              AND m.author_id = t.assigned_agent_id AND m.created_at >= t.assignee_since)
          ORDER BY t.assignee_since LIMIT 100 FOR UPDATE OF t SKIP LOCKED`,
        [now.toISOString(), minutes],
      )) as { id: string; name: string }[];
      const out: Message[] = [];
      for (const row of rows) {
        await this.repo.requeue(sql, row.id, await this.repo.teamOf(sql, row.id));
        const note = await this.systemMessage(sql, row.id, `${row.name} did not answer in time; waiting for another agent`);
        if (note) out.push(note);
        await this.recordChange(sql, row.id, 'requeued', note);
      }
      return out;
    });
    await Promise.all(notes.map((note) => this.announce(note.threadId, note)));
    return notes.length;
  }

  /** Closes an open thread; who closed it is the caller. Closing a closed thread changes nothing. */
  async close(principal: Principal, threadId: string): Promise<Thread> {
    const by = { type: ACTOR_OF[principal.kind], id: principal.id };
    const who = principal.kind === 'visitor' ? 'the visitor' : principal.name;
    const message = await this.repo.transaction(async (sql) => {
      const access = await this.repo.lockedAccess(sql, threadId);
      if (!access || (principal.kind === 'visitor' && access.visitorId !== principal.id)) throw notFound();
      if (access.status === 'closed') return null;
      if (!mayClose(principal, access)) {
        throw new AppError(ErrorCode.Forbidden, 'Only the agent it is assigned to, an admin, the visitor or an integration can close this conversation');
      }
      // The closing note goes in before the status flips: a closed thread takes no more messages.
      const note = await this.systemMessage(sql, threadId, `Conversation closed by ${who}`);
      if (!note || !(await this.repo.close(sql, threadId, by))) return null;
      await this.recordChange(sql, threadId, 'closed', note);
      return note;
    });
    return seenBy(principal, message ? await this.announce(threadId, message) : await this.load(threadId));
  }

  /**
   * Closes the visitor's open threads as the system, inside the caller's transaction (a privacy
   * erasure), each with a note that says why. The notes go to {@link announceClosed} once that
   * transaction has committed.
   */
  async closeOpenOfVisitor(sql: Sql, visitorId: string, text: string): Promise<Message[]> {
    const rows = (await sql.query(`SELECT id FROM threads WHERE visitor_id = $1 AND status <> 'closed' ORDER BY id FOR UPDATE`, [visitorId])) as { id: string }[];
    const notes: Message[] = [];
    for (const { id } of rows) {
      const note = await this.systemMessage(sql, id, text);
      if (!note || !(await this.repo.close(sql, id, { type: 'system', id: null }))) continue;
      await this.recordChange(sql, id, 'closed', note);
      notes.push(note);
    }
    return notes;
  }

  /** Tells agents, visitors and webhooks of threads closed by {@link closeOpenOfVisitor}, after the commit. */
  async announceClosed(notes: readonly Message[]): Promise<void> {
    await Promise.all(notes.map((note) => this.announce(note.threadId, note)));
  }

  /**
   * Puts a tag on a thread (on) or takes it off; doing what is already so changes nothing and
   * announces nothing. A change goes to the agents (`thread.updated`) and to webhooks
   * (`thread.updated` with change `tagged` or `untagged`), committed with it.
   */
  async setTag(principal: Principal, threadId: string, tagId: string, on: boolean): Promise<Thread> {
    const changed = await this.repo.transaction(async (sql) => {
      const access = await this.repo.lockedAccess(sql, threadId);
      if (!access || (principal.kind === 'visitor' && access.visitorId !== principal.id)) throw notFound();
      if (!mayTag(principal)) throw new AppError(ErrorCode.Forbidden, 'Only agents and integrations tag conversations');
      const [tag] = (await sql.query(`SELECT id FROM tags WHERE id = $1`, [tagId])) as { id: string }[];
      if (!tag) throw new AppError(ErrorCode.TagNotFound, 'No such tag');
      if (!(await this.repo.setTag(sql, threadId, tagId, on))) return false;
      await this.recordChange(sql, threadId, on ? 'tagged' : 'untagged', null);
      return true;
    });
    const thread = await this.load(threadId);
    if (changed) {
      this.outboxCommitted(['thread.updated']);
      this.events.emit({ type: 'thread.updated', thread });
    }
    return thread;
  }

  /** Threads whose room a socket of this caller joins on connect. */
  openThreadIds(principal: Principal): Promise<string[]> {
    if (principal.kind === 'visitor') return this.repo.openThreadIds({ visitorId: principal.id });
    if (principal.kind === 'agent') return this.repo.openThreadIds({ agentId: principal.id });
    return Promise.resolve([]);
  }

  /** Read access: a visitor only to its own thread. Returns what the caller may know of the thread. */
  async readable(principal: Principal, threadId: string): Promise<ThreadAccess & { lastSeq: number }> {
    const thread = await this.repo.findById(threadId);
    if (!thread || (principal.kind === 'visitor' && thread.visitor.id !== principal.id)) throw notFound();
    return {
      visitorId: thread.visitor.id,
      status: thread.status,
      assignedAgentId: thread.assignedAgent?.id ?? null,
      lastSeq: thread.lastSeq,
    };
  }

  /** Write access: the visitor to its own open thread, the assigned agent, or an integrator. */
  async writable(principal: Principal, threadId: string): Promise<ThreadAccess> {
    const access = await this.repo.access(threadId);
    if (!access || (principal.kind === 'visitor' && access.visitorId !== principal.id)) throw notFound();
    if (principal.kind === 'agent' && access.assignedAgentId !== principal.id) throw notAssigned(access);
    return access;
  }

  /**
   * Read receipts: raises the caller's side's read mark of the thread to `seq` (a visitor its own
   * thread, an agent any thread it may read). Monotonic: a seq at or below the stored mark changes
   * nothing and tells nobody; a seq past the thread's last message is refused. One write per
   * receipt, none per message.
   */
  async markRead(principal: Principal, threadId: string, seq: number): Promise<{ visitorReadSeq: number; agentReadSeq: number }> {
    if (principal.kind === 'apiKey') throw new AppError(ErrorCode.Forbidden, 'Read receipts are for the visitor and the agents');
    const side = principal.kind === 'visitor' ? 'visitor' : 'agent';
    const column = side === 'visitor' ? 'visitor_read_seq' : 'agent_read_seq';
    const visitorId = principal.kind === 'visitor' ? principal.id : null;
    const rows = (await this.repo.dataSource.query(
      `WITH t AS (SELECT id, visitor_id, last_seq, visitor_read_seq, agent_read_seq FROM threads WHERE id = $1 AND ($3::uuid IS NULL OR visitor_id = $3)),
            u AS (UPDATE threads SET ${column} = $2 FROM t WHERE threads.id = t.id AND $2 <= t.last_seq AND threads.${column} < $2
                  RETURNING threads.visitor_read_seq, threads.agent_read_seq)
       SELECT t.visitor_id, t.last_seq, COALESCE(u.visitor_read_seq, t.visitor_read_seq) AS visitor_read_seq,
              COALESCE(u.agent_read_seq, t.agent_read_seq) AS agent_read_seq, u.visitor_read_seq IS NOT NULL AS raised
         FROM t LEFT JOIN u ON true`,
      [threadId, seq, visitorId],
    )) as { visitor_id: string; last_seq: number; visitor_read_seq: number; agent_read_seq: number; raised: boolean }[];
    const [row] = rows;
    if (!row) throw notFound();
    if (seq > row.last_seq) {
      throw new AppError(ErrorCode.ValidationFailed, 'seq is past the last message of the thread', [
        { path: 'seq', message: `at most ${row.last_seq}, the thread's last seq` },
      ]);
    }
    if (row.raised) {
      this.events.emit({
        type: 'thread.read',
        read: { threadId, side, seq },
        visitorId: row.visitor_id,
        agentId: principal.kind === 'agent' ? principal.id : undefined,
      });
    }
    return { visitorReadSeq: row.visitor_read_seq, agentReadSeq: row.agent_read_seq };
  }

  /** Relayed to the thread's other connections, never stored. `fromConnection` is the author's, which is left out. */
  async typing(principal: Principal, threadId: string, isTyping: boolean, fromConnection: string): Promise<void> {
    await this.writable(principal, threadId);
    const authorType = principal.kind === 'agent' ? 'agent' : 'visitor';
    this.events.emit({ type: 'typing.updated', typing: { threadId, authorType, authorName: principal.name, isTyping }, fromConnection });
  }

  private systemMessage(sql: Sql, threadId: string, body: string): Promise<Message | null> {
    return this.repo.append(
      { threadId, authorType: 'system', authorId: null, authorName: null, body, clientMsgId: null },
      sql,
    );
  }

  /**
   * The webhook events of a thread change, in its transaction (the outbox): `thread.updated`, then
   * the system message that tells of it. Nothing is read or written when no endpoint listens.
   */
  private async recordChange(sql: Sql, threadId: string, change: ThreadChange, note: Message | null): Promise<void> {
    if (!this.outbox.wants('thread.updated') && !this.outbox.wants('message.created')) return;
    const row = await this.repo.findById(threadId, sql);
    if (!row) return;
    const thread = stripCursor(row);
    const events: OutboxEvent[] = [WebhookOutbox.threadUpdated(thread, change)];
    if (note) events.push(WebhookOutbox.messageCreated(note, thread));
    await this.outbox.record(sql, events);
  }

  private outboxCommitted(types: readonly ('thread.created' | 'thread.updated' | 'message.created')[]): void {
    if (types.some((t) => this.outbox.wants(t))) this.outbox.committed();
  }

  private async announce(threadId: string, message: Message, joinAgentId?: string): Promise<Thread> {
    this.outboxCommitted(['thread.updated', 'message.created']);
    const thread = await this.load(threadId);
    this.events.emit({ type: 'thread.updated', thread, joinAgentId });
    this.events.emit({ type: 'message.created', message });
    return thread;
  }

  private async load(id: string): Promise<Thread> {
    const thread = await this.repo.findById(id);
    if (!thread) throw notFound();
    return stripCursor(thread);
  }
}

function notAssigned(access: ThreadAccess): AppError {
  return new AppError(ErrorCode.Forbidden, access.assignedAgentId ? 'This thread is assigned to another agent' : 'Claim the thread before replying');
}

function agentNotFound(): AppError {
  return new AppError(ErrorCode.AgentNotFound, 'No such agent');
}

function atCapacity(load: { name: string; active: number; maxConcurrent: number }): AppError {
  return new AppError(ErrorCode.AgentAtCapacity, `${load.name} already has ${load.active} of ${load.maxConcurrent} conversations`);
}

function isAdmin(p: Principal): boolean {
  return p.kind === 'agent' && p.role === 'admin';
}

function closed(): AppError {
  return new AppError(ErrorCode.ThreadClosed, 'The thread is closed');
}

function stripCursor({ cursor: _cursor, ...thread }: Thread & { cursor: string }): Thread {
  return thread;
}


/** A queued thread got its first agent: how long its visitor waited. */
function firstAgent(thread: Thread): Thread {
  queueWaitSeconds.observe(Math.max(0, Date.now() - Date.parse(thread.createdAt)) / 1000);
  return thread;
}
