import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { ErrorCode } from '@parley/contracts';
import { AppError } from './app-error';
import { toProblem } from './problem.filter';

describe('toProblem', () => {
  it('maps an AppError to its code and status, keeping field errors', () => {
    const p = toProblem(new AppError(ErrorCode.ThreadClosed, 'The thread is closed'), '/api/v1/threads/x/messages');
    expect(p).toMatchObject({ status: 409, code: 'THREAD_CLOSED', detail: 'The thread is closed', title: 'Conflict' });
    expect(p.instance).toBe('/api/v1/threads/x/messages');
    const v = toProblem(new AppError(ErrorCode.ValidationFailed, 'bad', [{ path: 'body', message: 'too long' }]));
    expect(v.errors).toEqual([{ path: 'body', message: 'too long' }]);
  });

  it('recognises body-parser errors wrapped by the Express adapter', () => {
    const parse = Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed', status: 400 });
    expect(toProblem(new BadRequestException('x', { cause: parse }))).toMatchObject({ status: 400, code: 'INVALID_JSON' });
    const big = Object.assign(new Error('too large'), { type: 'entity.too.large' });
    expect(toProblem(new HttpException('too large', 413, { cause: big }))).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('maps rate limiting and unknown routes', () => {
    expect(toProblem(new ThrottlerException())).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(toProblem(new NotFoundException())).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('never leaks the message of an unexpected error', () => {
    const p = toProblem(new Error('connection string postgres://secret@db'));
    expect(p).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(JSON.stringify(p)).not.toContain('secret');
  });
});
