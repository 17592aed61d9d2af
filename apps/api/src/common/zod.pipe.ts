import { type PipeTransform } from '@nestjs/common';
import { ErrorCode } from '@parley/contracts';
import { type z } from 'zod';
import { AppError } from './app-error';

/** Parses a value with a contract schema; an invalid one becomes VALIDATION_FAILED with each field's problem. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const errors = result.error.issues.map((i) => ({
    path: i.path.length ? i.path.map(String).join('.') : '(root)',
    message: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
  }));
  throw new AppError(ErrorCode.ValidationFailed, errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
}

/**
 * Validation pipe over the contracts' zod schemas. Hand-written because nestjs-zod does not yet
 * support NestJS 12; it is a dozen lines and keeps the contracts the only source of truth.
 */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    return parseWith(this.schema, value);
  }
}
