import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import {
  type Agent,
  type AgentStatus,
  type AuthResponse,
  type CreateAgentRequest,
  ErrorCode,
  type LoginRequest,
  type SetupRequest,
  type UpdateAgentRequest,
} from '@parley/contracts';
import * as argon2 from 'argon2';
import { DataSource, IsNull, Repository } from 'typeorm';
import { TokensService } from '../auth/tokens.service';
import { AppError } from '../common/app-error';
import { DomainEvents } from '../common/domain-events';
import { isUniqueViolation } from '../common/mappers';
import { AgentEntity } from './agent.entity';
import { toAgent } from './agent.mapper';
import { PasswordPolicy } from './password.policy';

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

  async login(body: LoginRequest): Promise<AuthResponse> {
    const agent = await this.agents.findOne({
      where: { email: body.email, deactivatedAt: IsNull() },
      select: { id: true, email: true, name: true, role: true, status: true, maxConcurrent: true, createdAt: true, passwordHash: true },
    });
    const ok = await argon2.verify(agent?.passwordHash ?? (await this.dummyHash), body.password);
    if (!agent || !ok) throw new AppError(ErrorCode.InvalidCredentials, 'Wrong email or password');
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
    return (await this.agents.find({ order: { createdAt: 'ASC' } })).map(toAgent);
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
      if (body.name !== undefined) current.name = body.name;
      if (body.role !== undefined) current.role = body.role;
      if (body.active === false && current.deactivatedAt === null) {
        current.deactivatedAt = new Date();
        current.status = 'offline';
      }
      if (body.active === true) current.deactivatedAt = null;
      return m.save(current);
    });
    const dto = toAgent(agent);
    this.events.emit({ type: 'agent.updated', agent: dto });
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

  /** Who an agent token speaks for, or null once the agent is deactivated. Read on every request, so only what a principal needs. */
  async findIdentity(id: string): Promise<Pick<Agent, 'id' | 'name' | 'role'> | null> {
    return this.agents.findOne({ where: { id, deactivatedAt: IsNull() }, select: { id: true, name: true, role: true } });
  }

  async get(id: string): Promise<Agent> {
    const agent = await this.agents.findOneBy({ id, deactivatedAt: IsNull() });
    if (!agent) throw new AppError(ErrorCode.AgentNotFound, 'No such agent');
    return toAgent(agent);
  }

  private session(agent: AgentEntity): AuthResponse {
    return { ...this.tokens.sign('agent', agent.id), agent: toAgent(agent) };
  }
}

function alreadySetUp(): AppError {
  return new AppError(ErrorCode.SetupAlreadyDone, 'Parley is already set up; sign in instead');
}
