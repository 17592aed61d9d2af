import type { IncomingMessage } from 'node:http';
import { ErrorCode } from '@parley/contracts';
import { AppError } from '../../common/app-error';
import { isLegacyPath } from './legacy-ws.adapter';
import { echoedClientMsgId, parseFrame, readFrame } from './legacy.frames';
import { readHandshake } from './legacy.gateway';

const THREAD = '0b7d6a36-3f55-4a43-9a1e-6c1d3f3d2e10';
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : 'not an AppError';
  }
  return 'no error';
};

describe('raw frames', () => {
  it('reads the old pages\' frame, and the typed ones', () => {
    expect(parseFrame(readFrame(Buffer.from('{"message":" hi "}'), false))).toEqual({ message: 'hi' });
    expect(parseFrame({ type: 'chat', message: 'x', clientMsgId: 'm-1' })).toEqual({ type: 'chat', message: 'x', clientMsgId: 'm-1' });
    expect(parseFrame({ type: 'sync', afterSeq: 3 })).toEqual({ type: 'sync', afterSeq: 3 });
    expect(parseFrame({ type: 'typing', isTyping: false })).toEqual({ type: 'typing', isTyping: false });
    expect(readFrame([Buffer.from('{"mess'), Buffer.from('age":"a"}')], false)).toEqual({ message: 'a' });
  });

  it('refuses what is not a frame with a code', () => {
    expect(codeOf(() => readFrame(Buffer.from('nope'), false))).toBe(ErrorCode.InvalidJson);
    expect(codeOf(() => readFrame(Buffer.from('{}'), true))).toBe(ErrorCode.ValidationFailed);
    expect(codeOf(() => readFrame(Buffer.from('[]'), false))).toBe(ErrorCode.ValidationFailed);
    expect(codeOf(() => readFrame(Buffer.from('null'), false))).toBe(ErrorCode.ValidationFailed);
    expect(codeOf(() => parseFrame({ type: 'shout' }))).toBe(ErrorCode.ValidationFailed);
    expect(codeOf(() => parseFrame({ message: 'x', threadId: THREAD }))).toBe(ErrorCode.ValidationFailed);
    expect(codeOf(() => parseFrame({ type: 'sync', afterSeq: -1 }))).toBe(ErrorCode.ValidationFailed);
  });

  it('echoes a refused frame\'s clientMsgId only when it is one', () => {
    expect(echoedClientMsgId({ clientMsgId: 'm-1' })).toBe('m-1');
    expect(echoedClientMsgId({ clientMsgId: '<script>' })).toBeUndefined();
    expect(echoedClientMsgId({ clientMsgId: 42 })).toBeUndefined();
    expect(echoedClientMsgId(undefined)).toBeUndefined();
  });
});

describe('raw handshake', () => {
  const req = (url: string, protocol?: string) => ({ url, headers: protocol ? { 'sec-websocket-protocol': protocol } : {} }) as IncomingMessage;

  it('takes the thread from the path, with or without the trailing slash', () => {
    expect(readHandshake(req(`/ws/support/${THREAD}/`)).threadId).toBe(THREAD);
    expect(readHandshake(req(`/ws/support/${THREAD}`)).threadId).toBe(THREAD);
    expect(readHandshake(req('/ws/support/support_42/')).threadId).toBeUndefined();
    expect(readHandshake(req(`/ws/support/${THREAD}/extra/`)).threadId).toBeUndefined();
  });

  it('takes the token from a bearer subprotocol entry before the query', () => {
    expect(readHandshake(req(`/ws/support/${THREAD}/?token=q`)).token).toBe('q');
    expect(readHandshake(req(`/ws/support/${THREAD}/?token=q`, 'parley.v1, bearer.p')).token).toBe('p');
    expect(readHandshake(req(`/ws/support/${THREAD}/`, 'parley.v1')).token).toBeUndefined();
  });

  it('claims only the legacy paths', () => {
    expect(isLegacyPath(`/ws/support/${THREAD}/`)).toBe(true);
    expect(isLegacyPath('/socket.io/')).toBe(false);
    expect(isLegacyPath('/ws/supportx/')).toBe(false);
    expect(isLegacyPath('/ws/support')).toBe(false);
  });
});
