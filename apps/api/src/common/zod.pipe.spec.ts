import { MessageSendPayloadSchema, PostMessageRequestSchema } from '@parley/contracts';
import { AppError } from './app-error';
import { ZodPipe } from './zod.pipe';

describe('ZodPipe', () => {
  const pipe = new ZodPipe(PostMessageRequestSchema);

  it('returns the parsed, trimmed value', () => {
    expect(pipe.transform({ clientMsgId: 'c-1', body: '  hi  ' })).toEqual({ clientMsgId: 'c-1', body: 'hi' });
  });

  it('names unknown fields, such as a client trying to say who it is', () => {
    const err = catchError(() => pipe.transform({ clientMsgId: 'c', body: 'x', support_agent_id: '1' }));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.errors?.[0].message).toContain('support_agent_id');
  });

  it('reports each invalid field with its path', () => {
    const err = catchError(() => new ZodPipe(MessageSendPayloadSchema).transform({ threadId: 'nope', clientMsgId: '', body: 5 }));
    expect([...new Set(err.errors?.map((e) => e.path))].sort()).toEqual(['body', 'clientMsgId', 'threadId']);
  });

  it('treats a missing payload as an empty object', () => {
    const err = catchError(() => pipe.transform(undefined));
    expect(err.errors?.map((e) => e.path).sort()).toEqual(['body', 'clientMsgId']);
  });
});

function catchError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}
