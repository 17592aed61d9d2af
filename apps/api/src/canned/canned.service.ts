import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type CannedResponse,
  type CreateCannedResponseRequest,
  ErrorCode,
  type ListCannedResponsesQuery,
  type UpdateCannedResponseRequest,
} from '@parley/contracts';
import { DataSource } from 'typeorm';
import type { AgentPrincipal } from '../auth/principal';
import { AppError } from '../common/app-error';
import { iso, isUniqueViolation } from '../common/mappers';

interface CannedRow {
  id: string;
  owner_agent_id: string | null;
  shortcut: string;
  title: string;
  body: string;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, owner_agent_id, shortcut, title, body, created_at, updated_at';

function toCanned(r: CannedRow): CannedResponse {
  return {
    id: r.id,
    scope: r.owner_agent_id === null ? 'shared' : 'personal',
    shortcut: r.shortcut,
    title: r.title,
    body: r.body,
    ownerId: r.owner_agent_id,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

/** TypeORM returns `[rows, count]` for UPDATE and DELETE and `rows` otherwise. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}

const notFound = () => new AppError(ErrorCode.CannedResponseNotFound, 'No such canned response');
const taken = (shortcut: string) => new AppError(ErrorCode.ShortcutTaken, `The shortcut "${shortcut}" is already used`, [{ path: 'shortcut', message: 'already used' }]);
const adminsOnly = () => new AppError(ErrorCode.Forbidden, 'Only admins manage shared canned responses');

/**
 * Canned responses. Who sees a reply is decided in each statement's WHERE (shared, or owned by the
 * caller), so another agent's personal reply is never found, whatever id is sent.
 */
@Injectable()
export class CannedService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(agent: AgentPrincipal, query: ListCannedResponsesQuery): Promise<CannedResponse[]> {
    const where =
      query.scope === 'shared' ? 'owner_agent_id IS NULL' : query.scope === 'personal' ? 'owner_agent_id = $1' : '(owner_agent_id IS NULL OR owner_agent_id = $1)';
    const params = query.scope === 'shared' ? [] : [agent.id];
    // Personal first: where an agent's own shortcut and a shared one are alike, its own comes first.
    const rows = rowsOf<CannedRow>(await this.db.query(`SELECT ${COLUMNS} FROM canned_responses WHERE ${where} ORDER BY owner_agent_id IS NULL, shortcut, id`, params));
    return rows.map(toCanned);
  }

  async get(agent: AgentPrincipal, id: string): Promise<CannedResponse> {
    return toCanned(await this.visible(agent, id));
  }

  async create(agent: AgentPrincipal, body: CreateCannedResponseRequest): Promise<CannedResponse> {
    if (body.scope === 'shared' && agent.role !== 'admin') throw adminsOnly();
    try {
      const rows = rowsOf<CannedRow>(
        await this.db.query(
          `INSERT INTO canned_responses (owner_agent_id, shortcut, title, body, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
          [body.scope === 'shared' ? null : agent.id, body.shortcut, body.title, body.body, agent.id],
        ),
      );
      return toCanned(rows[0]);
    } catch (err) {
      if (isUniqueViolation(err)) throw taken(body.shortcut);
      throw err;
    }
  }

  async update(agent: AgentPrincipal, id: string, body: UpdateCannedResponseRequest): Promise<CannedResponse> {
    await this.writable(agent, id);
    try {
      const rows = rowsOf<CannedRow>(
        await this.db.query(
          `UPDATE canned_responses SET shortcut = COALESCE($2, shortcut), title = COALESCE($3, title), body = COALESCE($4, body), updated_at = now()
            WHERE id = $1 AND (owner_agent_id IS NULL OR owner_agent_id = $5) RETURNING ${COLUMNS}`,
          [id, body.shortcut ?? null, body.title ?? null, body.body ?? null, agent.id],
        ),
      );
      if (!rows[0]) throw notFound();
      return toCanned(rows[0]);
    } catch (err) {
      if (isUniqueViolation(err)) throw taken(body.shortcut ?? '');
      throw err;
    }
  }

  async remove(agent: AgentPrincipal, id: string): Promise<CannedResponse> {
    await this.writable(agent, id);
    const rows = rowsOf<CannedRow>(
      await this.db.query(`DELETE FROM canned_responses WHERE id = $1 AND (owner_agent_id IS NULL OR owner_agent_id = $2) RETURNING ${COLUMNS}`, [id, agent.id]),
    );
    if (!rows[0]) throw notFound();
    return toCanned(rows[0]);
  }

  private async visible(agent: AgentPrincipal, id: string): Promise<CannedRow> {
    const rows = rowsOf<CannedRow>(
      await this.db.query(`SELECT ${COLUMNS} FROM canned_responses WHERE id = $1 AND (owner_agent_id IS NULL OR owner_agent_id = $2)`, [id, agent.id]),
    );
    if (!rows[0]) throw notFound();
    return rows[0];
  }

  /** A reply the agent may change: its own personal one, or a shared one when it is an admin. */
  private async writable(agent: AgentPrincipal, id: string): Promise<void> {
    const row = await this.visible(agent, id);
    if (row.owner_agent_id === null && agent.role !== 'admin') throw adminsOnly();
  }
}
