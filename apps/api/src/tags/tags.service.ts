import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode, LIMITS, type Tag } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { AppError } from '../common/app-error';

const notFound = () => new AppError(ErrorCode.TagNotFound, 'No such tag');
const taken = (name: string) => new AppError(ErrorCode.TagNameTaken, `A tag named "${name}" exists already`);

/** PostgreSQL's unique_violation, from the case-insensitive unique index on tags' names. */
function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

/** TypeORM returns `[rows, count]` for UPDATE and DELETE and `rows` otherwise. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}

const COLUMNS = 'id, name, color';

/**
 * The list of tags admins keep (docs/permissions.md). Putting them on threads is ThreadsService's
 * (it announces the change); deleting a tag takes it off every thread by the foreign key's cascade.
 */
@Injectable()
export class TagsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(): Promise<Tag[]> {
    return rowsOf<Tag>(await this.dataSource.query(`SELECT ${COLUMNS} FROM tags ORDER BY lower(name), id`));
  }

  async create(body: { name: string; color?: string | null }): Promise<Tag> {
    try {
      // The count is checked in the insert: a server keeps at most LIMITS.tagsMax tags.
      const [row] = rowsOf<Tag>(
        await this.dataSource.query(
          `INSERT INTO tags (name, color) SELECT $1, $2 WHERE (SELECT count(*) FROM tags) < $3 RETURNING ${COLUMNS}`,
          [body.name, body.color ?? null, LIMITS.tagsMax],
        ),
      );
      if (!row) throw new AppError(ErrorCode.ValidationFailed, `At most ${LIMITS.tagsMax} tags`, [{ path: 'name', message: 'too many tags' }]);
      return row;
    } catch (err) {
      if (isUniqueViolation(err)) throw taken(body.name);
      throw err;
    }
  }

  async update(id: string, body: { name?: string; color?: string | null }): Promise<Tag> {
    try {
      const [row] = rowsOf<Tag>(
        await this.dataSource.query(
          `UPDATE tags SET name = COALESCE($2, name), color = CASE WHEN $3 THEN $4 ELSE color END WHERE id = $1 RETURNING ${COLUMNS}`,
          [id, body.name ?? null, body.color !== undefined, body.color ?? null],
        ),
      );
      if (!row) throw notFound();
      return row;
    } catch (err) {
      if (isUniqueViolation(err)) throw taken(body.name ?? '');
      throw err;
    }
  }

  async remove(id: string): Promise<void> {
    const rows = rowsOf<{ id: string }>(await this.dataSource.query(`DELETE FROM tags WHERE id = $1 RETURNING id`, [id]));
    if (rows.length === 0) throw notFound();
  }
}
