import {
  ClientMsgIdSchema,
  ErrorCode,
  LegacyChatInSchema,
  type LegacyChatFrame,
  type LegacyFrameIn,
  LegacySyncInSchema,
  type LegacyThreadFrame,
  LegacyTypingInSchema,
  type LegacyTypingFrame,
  type Message,
  type Thread,
  type TypingEvent,
} from '@parley/contracts';
import { AppError } from '../../common/app-error';
import { parseWith } from '../../common/zod.pipe';

/** The JSON object of one text frame; throws AppError (INVALID_JSON, VALIDATION_FAILED) for anything else. */
export function readFrame(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): Record<string, unknown> {
  if (isBinary) throw new AppError(ErrorCode.ValidationFailed, 'Frames are JSON text, not binary');
  const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError(ErrorCode.InvalidJson, 'The frame is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AppError(ErrorCode.ValidationFailed, 'A frame is a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Validates a frame against the schema of its type; a frame without `type` is a chat message. */
export function parseFrame(value: Record<string, unknown>): LegacyFrameIn {
  const type = value['type'];
  if (type === undefined || type === 'chat') return parseWith(LegacyChatInSchema, value);
  if (type === 'sync') return parseWith(LegacySyncInSchema, value);
  if (type === 'typing') return parseWith(LegacyTypingInSchema, value);
  throw new AppError(ErrorCode.ValidationFailed, 'Unknown frame type; expected "chat", "sync" or "typing"');
}

/** A refused frame's clientMsgId, echoed in the error when it is one (never anything else the client sent). */
export function echoedClientMsgId(value: Record<string, unknown> | undefined): string | undefined {
  const id = value?.['clientMsgId'];
  return ClientMsgIdSchema.safeParse(id).success ? (id as string) : undefined;
}

export function chatFrame(m: Message): LegacyChatFrame {
  return {
    type: 'chat',
    message: m.body,
    id: m.id,
    threadId: m.threadId,
    seq: m.seq,
    author: { type: m.authorType, name: m.authorName },
    createdAt: m.createdAt,
    clientMsgId: m.clientMsgId,
    attachments: m.attachments,
  };
}

export function threadFrame(t: Thread): LegacyThreadFrame {
  return { type: 'thread', status: t.status, assignedAgent: t.assignedAgent, closedBy: t.closedBy };
}

export function typingFrame(t: TypingEvent): LegacyTypingFrame {
  return { type: 'typing', author: { type: t.authorType, name: t.authorName }, isTyping: t.isTyping };
}
