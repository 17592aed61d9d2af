import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import {
  type Agent,
  type AgentStatus,
  type AuthResponse,
  type ChangePasswordRequest,
  type CreateAgentRequest,
  ErrorCode,
  IdSchema,
  type LoginRequest,
  type SetupRequest,
  type UpdateAgentRequest,
} from '@parley/contracts';
import * as argon2 from 'argon2';
import { DataSource, type EntityManager, IsNull, Repository } from 'typeorm';
import { TokensService } from '../auth/tokens.service';
import { AppError } from '../common/app-error';
import { DomainEvents } from '../common/domain-events';
import { isUniqueViolation } from '../common/mappers';
import { AgentEntity } from './agent.entity';
import { toAgent } from './agent.mapper';
import { type LoginOrigin, LoginThrottle } from './login.throttle';
import { PasswordPolicy } from './password.policy';

/** Which of an agent's sessions end: only one, all but one, or (neither set) all. */
export interface SessionsToEnd {
  only?: string | undefined;
  except?: string | undefined;
}

type NewAgent = Required<Pick<CreateAgentRequest, 'email' | 'name' | 'password' | 'role'>>;

@Injectable()
export class AgentsService {
  /** Verified against when the email is unknown, so a login's timing does not tell which emails exist. */
  private readonly dummyHash = argon2.hash('parley-timing-equaliser');

  constructor(
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokensService,
    private readonly events: DomainEvents,
    private readonly passwords: PasswordPolicy,
    private readonly throttle: LoginThrottle,
  ) {}

  async needsSetup(): Promise<boolean> {
    return (await this.agents.count()) === 0;
  }

  /** Creates the first admin. A lock makes two concurrent setups produce one admin, not two. */
  async setup(body: SetupRequest): Promise<AuthResponse> {
    // Refused before any hashing: after setup this route is public and must cost nothing.
    if (!(await this.needsSetup())) throw alreadySetUp();
    this.passwords.check(body.password, body);
    const passwordHash = await argon2.hash(body.password);
    const agent = await this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('parley.setup'))`);
      if ((await m.count(AgentEntity)) > 0) {
        throw alreadySetUp();
      }
      return m.save(m.create(AgentEntity, { email: body.email, name: body.name, passwordHash, role: 'admin' }));
    });
    return this.session(agent);
  }

  async login(body: LoginRequest, origin: LoginOrigin = {}): Promise<AuthResponse> {
    await this.throttle.admit(body.email);
    const agent = await this.agents.findOne({
      where: { email: body.email, deactivatedAt: IsNull() },
      select: { id: true, email: true, name: true, role: true, status: true, maxConcurrent: true, createdAt: true, passwordHash: true },
    });
    const ok = await argon2.verify(agent?.passwordHash ?? (await this.dummyHash), body.password);
    if (!agent || !ok) {
      await this.throttle.failed(body.email, origin);
      throw new AppError(ErrorCode.InvalidCredentials, 'Wrong email or password');
    }
    await this.throttle.succeeded(body.email);
    return this.session(agent);
  }

  async create(body: NewAgent): Promise<Agent> {
    this.passwords.check(body.password, body);
    const passwordHash = await argon2.hash(body.password);
    try {
      const saved = await this.agents.save(
        this.agents.create({ email: body.email, name: body.name, passwordHash, role: body.role }),
      );
      return toAgent(saved);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError(ErrorCode.EmailTaken, 'An agent with this email exists');
      throw err;
    }
  }

  /** Every agent, deactivated ones included (marked `active: false`), oldest first. */
  async list(): Promise<Agent[]> {
    const agents = await this.agents.find({ order: { createdAt: 'ASC' } });
    // Each one's live load (`active/maxConcurrent` in the console) and teams.
    const loads = (await this.dataSource.query(
      `SELECT a.id, (SELECT count(*)::int FROM threads t WHERE t.assigned_agent_id = a.id AND t.status = 'active') AS active,
              COALESCE((SELECT array_agg(m.team_id ORDER BY m.team_id) FROM team_members m WHERE m.agent_id = a.id), '{}') AS team_ids
         FROM agents a`,
    )) as { id: string; active: number; team_ids: string[] }[];
    const byId = new Map(loads.map((l) => [l.id, l]));
    return agents.map((a) => ({ ...toAgent(a), activeThreads: byId.get(a.id)?.active ?? 0, teamIds: byId.get(a.id)?.team_ids ?? [] }));
  }

  /** Admin changes. The last active admin can be neither demoted nor deactivated. */
  async update(id: string, body: UpdateAgentRequest): Promise<Agent> {
    const agent = await this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('parley.admins'))`);
      const current = await m.findOneBy(AgentEntity, { id });
      if (!current) throw new AppError(ErrorCode.AgentNotFound, 'No such agent');
      const losesAdmin = current.role === 'admin' && current.deactivatedAt === null && (body.role === 'agent' || body.active === false);
      if (losesAdmin && (await m.countBy(AgentEntity, { role: 'admin', deactivatedAt: IsNull() })) <= 1) {
        throw new AppError(ErrorCode.Forbidden, 'Parley needs at least one active admin');
      }
      // A changed role or a deactivation ends every session: no credential (nor an open socket)
      // keeps powers its agent no longer has, and reactivating revives no old token.
      const endsSessions = (body.role !== undefined && body.role !== current.role) || (body.active === false && current.deactivatedAt === null);
      if (body.name !== undefined) current.name = body.name;
      if (body.maxConcurrent !== undefined) current.maxConcurrent = body.maxConcurrent;
      if (body.role !== undefined) current.role = body.role;
      if (body.active === false && current.deactivatedAt === null) {
        current.deactivatedAt = new Date();
        current.status = 'offline';
      }
      if (body.active === true) current.deactivatedAt = null;
      if (endsSessions) await this.endSessions(id, {}, m);
      return { saved: await m.save(current), endsSessions };
    });
    const dto = toAgent(agent.saved);
    this.events.emit({ type: 'agent.updated', agent: dto });
    if (agent.endsSessions) this.sessionsEnded(id);
    return dto;
  }

  /** Presence. Only a change is announced, so reconnecting sockets do not flood the other agents. */
  async setPresence(id: string, status: AgentStatus, onlyFrom?: AgentStatus): Promise<Agent> {
    const rows: unknown = await this.dataSource.query(
      `UPDATE agents SET status = $2
        WHERE id = $1 AND status <> $2 AND deactivated_at IS NULL AND ($3::agent_status IS NULL OR status = $3)
        RETURNING id`,
      [id, status, onlyFrom ?? null],
    );
    const changed = Array.isArray(rows) && Array.isArray(rows[0]) && rows[0].length > 0;
    const agent = await this.get(id);
    if (changed) this.events.emit({ type: 'agent.updated', agent });
    return agent;
  }

  /**
   * The presence sweep's view: the active agents shown present (online or away), and of `connectedHere`
   * those shown offline, with their status.
   */
  async presenceRows(connectedHere: readonly string[]): Promise<{ id: string; status: AgentStatus }[]> {
    return (await this.dataSource.query(
      `SELECT id, status FROM agents WHERE deactivated_at IS NULL AND (status <> 'offline' OR id = ANY($1::uuid[]))`,
      [connectedHere],
    )) as { id: string; status: AgentStatus }[];
  }

  /** Whether any active agent is online now (away does not count). */
  async anyOnline(): Promise<boolean> {
    const [row] = (await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM agents WHERE status = 'online' AND deactivated_at IS NULL) AS any`)) as { any: boolean }[];
    return row?.any === true;
  }

  /**
   * Who an agent token speaks for, or null once its session has ended, expired, or the agent is
   * deactivated. Read on every request and socket handshake: one indexed lookup, only what a
   * principal needs.
   */
  async findIdentity(id: string, sessionId: string): Promise<Pick<Agent, 'id' | 'name' | 'role'> | null> {
    if (!IdSchema.safeParse(sessionId).success) return null;
    const rows: unknown = await this.dataSource.query(
      `SELECT a.id, a.name, a.role FROM agent_sessions s JOIN agents a ON a.id = s.agent_id
        WHERE s.id = $1 AND s.agent_id = $2 AND s.ended_at IS NULL AND s.expires_at > now() AND a.deactivated_at IS NULL`,
      [sessionId, id],
    );
    return (rows as Pick<Agent, 'id' | 'name' | 'role'>[])[0] ?? null;
  }

  /**
   * Whether the session (named by a token the server signed) belongs to this agent and the agent has
   * since been deactivated: the cold path of a refused agent token, so it can say why.
   */
  async deactivatedSince(id: string, sessionId: string): Promise<boolean> {
    if (!IdSchema.safeParse(sessionId).success) return false;
    const rows: unknown = await this.dataSource.query(
      `SELECT 1 FROM agent_sessions s JOIN agents a ON a.id = s.agent_id
        WHERE s.id = $1 AND s.agent_id = $2 AND a.deactivated_at IS NOT NULL`,
      [sessionId, id],
    );
    return (rows as unknown[]).length > 0;
  }

  /**
   * Ends one session (`only`: sign-out), every session but one (`except`: a password change keeps
   * the session that made it) or all of an agent's (sign-out everywhere). Their sockets close once
   * {@link sessionsEnded} announces it.
   */
  async endSessions(agentId: string, which: SessionsToEnd = {}, sql: Pick<DataSource | EntityManager, 'query'> = this.dataSource): Promise<void> {
    await sql.query(
      `UPDATE agent_sessions SET ended_at = now()
        WHERE agent_id = $1 AND ended_at IS NULL AND ($2::uuid IS NULL OR id = $2) AND ($3::uuid IS NULL OR id <> $3)`,
      [agentId, which.only ?? null, which.except ?? null],
    );
  }

  /** Sign-out: this session (or, without one, every session of the agent), then its sockets close. */
  async signOut(agentId: string, sessionId?: string): Promise<void> {
    await this.endSessions(agentId, { only: sessionId });
    this.sessionsEnded(agentId, { only: sessionId });
  }

  /** Announces ended sessions once their end is committed: the notifier closes their sockets on every node. */
  sessionsEnded(agentId: string, which: SessionsToEnd = {}): void {
    this.events.emit({
      type: 'sessions.ended',
      agentId,
      ...(which.only ? { sessionId: which.only } : {}),
      ...(which.except ? { exceptSessionId: which.except } : {}),
    });
  }

  /**
   * The signed-in agent changes its password. The current password must be right: a session left
   * open on a shared screen must not be enough to take the account over. Wrong guesses count
   * against the account like failed logins (and a locked account cannot change its password
   * either). The agent's other sessions end; the one that made the change goes on.
   */
  async changePassword(agentId: string, sessionId: string, body: ChangePasswordRequest, origin: LoginOrigin = {}): Promise<void> {
    const agent = await this.agents.findOne({
      where: { id: agentId, deactivatedAt: IsNull() },
      select: { id: true, email: true, name: true, passwordHash: true },
    });
    if (!agent) throw new AppError(ErrorCode.AgentNotFound, 'No such agent');
    await this.throttle.admit(agent.email);
    if (!(await argon2.verify(agent.passwordHash, body.currentPassword))) {
      await this.throttle.failed(agent.email, origin);
      throw new AppError(ErrorCode.WrongPassword, 'The current password is wrong', [{ path: 'currentPassword', message: 'is wrong' }]);
    }
    await this.throttle.succeeded(agent.email);
    this.passwords.check(body.newPassword, agent, 'newPassword');
    await this.setPassword(agent.id, body.newPassword, { except: sessionId });
  }

  /** An admin sets an agent's password; every session of that agent ends (whoever held one must sign in with the new password). */
  async resetPassword(agentId: string, password: string): Promise<void> {
    const agent = await this.agents.findOne({ where: { id: agentId }, select: { id: true, email: true, name: true } });
    if (!agent) throw new AppError(ErrorCode.AgentNotFound, 'No such agent');
    this.passwords.check(password, agent);
    await this.setPassword(agent.id, password, {});
    // A locked account is unlocked: the admin has just handed the agent a password to sign in with.
    await this.throttle.succeeded(agent.email);
  }

  /** The new hash and the end of the sessions in one transaction, announced after the commit. */
  private async setPassword(agentId: string, password: string, ending: SessionsToEnd): Promise<void> {
    const passwordHash = await argon2.hash(password);
    await this.dataSource.transaction(async (m) => {
      await m.update(AgentEntity, { id: agentId }, { passwordHash });
      await this.endSessions(agentId, ending, m);
    });
    this.sessionsEnded(agentId, ending);
  }

  async get(id: string): Promise<Agent> {
    const agent = await this.agents.findOneBy({ id, deactivatedAt: IsNull() });
    if (!agent) throw new AppError(ErrorCode.AgentNotFound, 'No such agent');
    return toAgent(agent);
  }

  /** A new sign-in: a session row, and a token that names it. Sessions long expired are cleared on the way. */
  private async session(agent: AgentEntity): Promise<AuthResponse> {
    await this.dataSource.query(`DELETE FROM agent_sessions WHERE agent_id = $1 AND expires_at < now() - interval '1 day'`, [agent.id]);
    const rows: unknown = await this.dataSource.query(
      `INSERT INTO agent_sessions (agent_id, expires_at) VALUES ($1, now() + make_interval(secs => $2)) RETURNING id`,
      [agent.id, this.tokens.ttlSeconds('agent')],
    );
    const [{ id }] = rows as { id: string }[];
    return { ...this.tokens.sign('agent', agent.id, id), agent: toAgent(agent) };
  }
}

function alreadySetUp(): AppError {
  return new AppError(ErrorCode.SetupAlreadyDone, 'Parley is already set up; sign in instead');
}
