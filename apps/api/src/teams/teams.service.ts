import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type CreateTeamRequest,
  ErrorCode,
  type RoutingMode,
  type RoutingSettings,
  type Team,
  type UpdateRoutingSettingsRequest,
  type UpdateTeamRequest,
} from '@parley/contracts';
import { DataSource } from 'typeorm';
import { AppError } from '../common/app-error';
import type { Sql } from '../threads/threads.repository';

const notFound = () => new AppError(ErrorCode.TeamNotFound, 'No such team');
const taken = (name: string) => new AppError(ErrorCode.TeamNameTaken, `A team named "${name}" exists already`);
/** Most teams one server keeps. */
const TEAMS_MAX = 200;

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}

interface TeamRow {
  id: string;
  name: string;
  routing_mode: RoutingMode;
  member_ids: string[] | null;
}

const TEAM_SELECT = `
  SELECT t.id, t.name, t.routing_mode,
         COALESCE((SELECT array_agg(m.agent_id ORDER BY m.agent_id) FROM team_members m WHERE m.team_id = t.id), '{}') AS member_ids
    FROM teams t`;

const toTeam = (r: TeamRow): Team => ({ id: r.id, name: r.name, routingMode: r.routing_mode, memberIds: r.member_ids ?? [] });

interface SettingsRow {
  default_mode: RoutingMode;
  unanswered_minutes: number | null;
  widget_team_id: string | null;
}

const toSettings = (r: SettingsRow): RoutingSettings => ({
  defaultMode: r.default_mode,
  unansweredMinutes: r.unanswered_minutes,
  widgetTeamId: r.widget_team_id,
});

/**
 * Teams (a queue each, with its routing mode and members) and the workspace's routing settings. A
 * change that can let routing assign something (a team turned to `auto`, a new member) asks for a
 * routing pass through `routingChanged` (set by the routing service).
 */
@Injectable()
export class TeamsService {
  /** Set by the routing service: called after a change that may let it assign. */
  routingChanged: () => void = () => undefined;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(): Promise<Team[]> {
    return rowsOf<TeamRow>(await this.db.query(`${TEAM_SELECT} ORDER BY lower(t.name), t.id`)).map(toTeam);
  }

  async get(id: string, sql: Sql = this.db): Promise<Team> {
    const [row] = rowsOf<TeamRow>(await sql.query(`${TEAM_SELECT} WHERE t.id = $1`, [id]));
    if (!row) throw notFound();
    return toTeam(row);
  }

  async create(body: CreateTeamRequest): Promise<Team> {
    try {
      const [row] = rowsOf<{ id: string }>(
        await this.db.query(`INSERT INTO teams (name, routing_mode) SELECT $1, $2 WHERE (SELECT count(*) FROM teams) < $3 RETURNING id`, [
          body.name,
          body.routingMode ?? 'manual',
          TEAMS_MAX,
        ]),
      );
      if (!row) throw new AppError(ErrorCode.ValidationFailed, `At most ${TEAMS_MAX} teams`, [{ path: 'name', message: 'too many teams' }]);
      return await this.get(row.id);
    } catch (err) {
      if (isUniqueViolation(err)) throw taken(body.name);
      throw err;
    }
  }

  async update(id: string, body: UpdateTeamRequest): Promise<Team> {
    try {
      const rows = rowsOf<{ id: string }>(
        await this.db.query(`UPDATE teams SET name = COALESCE($2, name), routing_mode = COALESCE($3, routing_mode) WHERE id = $1 RETURNING id`, [
          id,
          body.name ?? null,
          body.routingMode ?? null,
        ]),
      );
      if (rows.length === 0) throw notFound();
    } catch (err) {
      if (isUniqueViolation(err)) throw taken(body.name ?? '');
      throw err;
    }
    this.routingChanged();
    return this.get(id);
  }

  /** Its threads move to the default queue (the foreign key's SET NULL). */
  async remove(id: string): Promise<void> {
    const rows = rowsOf<{ id: string }>(await this.db.query(`DELETE FROM teams WHERE id = $1 RETURNING id`, [id]));
    if (rows.length === 0) throw notFound();
    this.routingChanged();
  }

  async setMember(id: string, agentId: string, member: boolean): Promise<Team> {
    await this.db.transaction(async (sql) => {
      await this.get(id, sql);
      const [agent] = rowsOf<{ id: string }>(await sql.query(`SELECT id FROM agents WHERE id = $1 AND deactivated_at IS NULL`, [agentId]));
      if (!agent) throw new AppError(ErrorCode.AgentNotFound, 'No such agent');
      await sql.query(
        member
          ? `INSERT INTO team_members (team_id, agent_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`
          : `DELETE FROM team_members WHERE team_id = $1 AND agent_id = $2`,
        [id, agentId],
      );
    });
    this.routingChanged();
    return this.get(id);
  }

  async settings(): Promise<RoutingSettings> {
    const [row] = rowsOf<SettingsRow>(await this.db.query(`SELECT default_mode, unanswered_minutes, widget_team_id FROM routing_settings WHERE id = 1`));
    return toSettings(row);
  }

  async updateSettings(body: UpdateRoutingSettingsRequest): Promise<RoutingSettings> {
    if (body.widgetTeamId) await this.get(body.widgetTeamId);
    await this.db.query(
      `UPDATE routing_settings SET
         default_mode = COALESCE($1, default_mode),
         unanswered_minutes = CASE WHEN $2 THEN $3::int ELSE unanswered_minutes END,
         widget_team_id = CASE WHEN $4 THEN $5::uuid ELSE widget_team_id END
       WHERE id = 1`,
      [
        body.defaultMode ?? null,
        body.unansweredMinutes !== undefined,
        body.unansweredMinutes ?? null,
        body.widgetTeamId !== undefined,
        body.widgetTeamId ?? null,
      ],
    );
    this.routingChanged();
    return this.settings();
  }
}
