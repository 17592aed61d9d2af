import { z } from 'zod';
import { ClientEvent, type ClientEventName, ErrorCode, ServerEvent, type ServerEventName } from './constants';
import type { AckError } from './errors';
import { ErrorCodeSchema, FieldErrorSchema } from './errors';
import {
  MessagesSyncPayloadSchema,
  MessageSendPayloadSchema,
  ThreadRefPayloadSchema,
  ThreadStartPayloadSchema,
  ThreadReadPayloadSchema,
  type ThreadReadEvent,
  TypingPayloadSchema,
  type TypingEvent,
  VisitorPagePayloadSchema,
} from './events';
import {
  LegacyChatInSchema,
  type LegacyAckFrame,
  type LegacyChatFrame,
  type LegacyErrorFrame,
  type LegacyFrameIn,
  type LegacyFrameOut,
  type LegacySyncedFrame,
  LegacySyncInSchema,
  type LegacyThreadFrame,
  type LegacyTypingFrame,
  LegacyTypingInSchema,
  type LegacyWelcomeFrame,
} from './legacy';
import { ActorTypeSchema, AgentSchema, AttachmentSchema, AuthorTypeSchema, MessageSchema, QueuePositionSchema, ThreadSchema, ThreadStatusSchema, VisitorContextSchema, WebhookSchema } from './models';
import { MentionSchema, NotePageSchema, NoteSchema, NoteSendPayloadSchema, NotesSyncPayloadSchema } from './notes';
import { MessagePageSchema } from './requests';
import { AvailabilitySchema } from './availability';

/**
 * The socket protocols as data, for documentation (the AsyncAPI document is generated from this):
 * every socket.io event with its payload and ack, every raw WebSocket frame. The event maps in
 * `events.ts` and the frame types in `legacy.ts` stay the types the code uses; the checks at the
 * end of this file fail to compile when a schema here and its type there disagree, and the records
 * are keyed by the event names, so a new event without an entry here fails too.
 */

export const TypingEventSchema = z.object({
  threadId: z.uuid(),
  authorType: z.enum(['visitor', 'agent']),
  authorName: z.string(),
  isTyping: z.boolean(),
});

export const ThreadReadEventSchema = z.object({
  threadId: z.uuid(),
  side: z.enum(['visitor', 'agent']),
  seq: z.number().int().nonnegative(),
});

export const AckErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  errors: z.array(FieldErrorSchema).optional(),
  /** With RATE_LIMITED: how long until the same request can succeed. */
  retryAfterMs: z.number().int().nonnegative().optional(),
});

/** A socket.io ack: `{ok: true, ...data}` or `{ok: false, error}`. */
function ackSchema<S extends z.ZodRawShape>(shape: S) {
  return z.union([z.object({ ok: z.literal(true), ...shape }), z.object({ ok: z.literal(false), error: AckErrorSchema })]);
}

export interface SocketEventDoc {
  summary: string;
  payload: z.ZodType;
  /** Client events only: what the ack callback receives. */
  ack?: z.ZodType;
}

const threadAck = ackSchema({ thread: ThreadSchema });
const emptyAck = ackSchema({});

/** Client → server socket.io events, each acknowledged. */
export const SOCKET_CLIENT_EVENTS: Record<ClientEventName, SocketEventDoc & { ack: z.ZodType }> = {
  [ClientEvent.ThreadStart]: { summary: "A visitor starts its thread, or gets its open one; it joins the thread's room", payload: ThreadStartPayloadSchema, ack: threadAck },
  [ClientEvent.ThreadJoin]: { summary: "Join a thread's room (a visitor its own threads, an agent any it may read) to hear its messages and typing", payload: ThreadRefPayloadSchema, ack: threadAck },
  [ClientEvent.ThreadLeave]: { summary: "Leave a thread's room", payload: ThreadRefPayloadSchema, ack: emptyAck },
  [ClientEvent.ThreadClaim]: { summary: 'An agent claims a queued thread (one agent wins a race; the others get THREAD_ALREADY_CLAIMED)', payload: ThreadRefPayloadSchema, ack: threadAck },
  [ClientEvent.ThreadClose]: { summary: 'Close a thread; who closed it comes from the credentials', payload: ThreadRefPayloadSchema, ack: threadAck },
  [ClientEvent.MessageSend]: { summary: 'Send a message; a repeated clientMsgId returns the stored one with duplicate: true', payload: MessageSendPayloadSchema, ack: ackSchema({ message: MessageSchema, duplicate: z.boolean() }) },
  [ClientEvent.MessagesSync]: { summary: 'Messages after a seq, in seq order (fills gaps after a reconnect)', payload: MessagesSyncPayloadSchema, ack: ackSchema(MessagePageSchema.shape) },
  [ClientEvent.Typing]: { summary: 'Say that the sender is typing, or stopped', payload: TypingPayloadSchema, ack: emptyAck },
  [ClientEvent.VisitorPage]: { summary: "A visitor's widget reports the page of the site the visitor is on (http(s) address, title) and the visitor's time zone; visitors only, under the socket's event limits", payload: VisitorPagePayloadSchema, ack: emptyAck },
  [ClientEvent.NoteSend]: { summary: 'Agents: a private note in a thread any agent may read (never sent to its visitor); acked after commit with the stored note; a repeated clientNoteId returns the stored one with duplicate: true; `@Name` of an active agent mentions it', payload: NoteSendPayloadSchema, ack: ackSchema({ note: NoteSchema, duplicate: z.boolean() }) },
  [ClientEvent.NotesSync]: { summary: "Agents: the thread's private notes after a noteSeq, in noteSeq order (fills gaps after a reconnect)", payload: NotesSyncPayloadSchema, ack: ackSchema(NotePageSchema.shape) },
  [ClientEvent.ThreadRead]: {
    summary: "Read receipts: the sender (the thread's visitor, or an agent who may read it) has read it up to seq (at most its last seq); a lower seq than the stored one is ignored",
    payload: ThreadReadPayloadSchema,
    ack: ackSchema({ visitorReadSeq: z.number().int(), agentReadSeq: z.number().int() }),
  },
};

/** Server → client socket.io events. */
export const SOCKET_SERVER_EVENTS: Record<ServerEventName, SocketEventDoc> = {
  [ServerEvent.MessageCreated]: { summary: "A message was stored: to the thread's room (and the visitor's sockets)", payload: MessageSchema },
  [ServerEvent.ThreadCreated]: { summary: 'A new thread is queued: to all agents', payload: ThreadSchema },
  [ServerEvent.ThreadUpdated]: { summary: "A thread was claimed, assigned, transferred, closed or tagged: to agents, and to the thread's room and its visitor without its tags", payload: ThreadSchema },
  [ServerEvent.Typing]: { summary: "Someone in the thread's room is typing, or stopped", payload: TypingEventSchema },
  [ServerEvent.AgentUpdated]: { summary: "An agent's presence, role or name changed: to all agents", payload: AgentSchema },
  [ServerEvent.WebhookDisabled]: { summary: 'The server turned a webhook endpoint off (it answered 410, or failed for days): to admins, with the reason', payload: WebhookSchema },
  [ServerEvent.VisitorContext]: { summary: "A visitor's context changed (a new page, its socket connected or the last one went away): to all agents", payload: VisitorContextSchema },
  [ServerEvent.NoteCreated]: { summary: "A private note was stored: to the agents following the thread (its notes room, which visitor sockets never join)", payload: NoteSchema },
  [ServerEvent.MentionCreated]: { summary: "A note mentions an agent: to that agent's sockets only", payload: MentionSchema },
  [ServerEvent.AvailabilityUpdated]: { summary: 'The site opened or closed (opening hours, an agent online or none): to every widget socket, debounced, only when `open` changes', payload: AvailabilitySchema },
  [ServerEvent.QueuePosition]: { summary: "A waiting visitor's place in its queue (1: next) and an estimate of the wait in seconds (the median wait of the queue's recent conversations; null when there are none): to the thread's room while it is queued", payload: QueuePositionSchema },
  [ServerEvent.ThreadRead]: { summary: "Read receipts: a side read the thread up to seq: to the thread's room and the reader's own sockets", payload: ThreadReadEventSchema },
};

const LegacyAuthorSchema = z.object({ type: AuthorTypeSchema, name: z.string().nullable() });

export const LegacyWelcomeFrameSchema = z.object({ type: z.literal('connection_established'), message: z.string(), threadId: z.uuid(), status: ThreadStatusSchema, lastSeq: z.number().int() });
export const LegacyChatFrameSchema = z.object({
  type: z.literal('chat'),
  message: z.string(),
  id: z.uuid(),
  threadId: z.uuid(),
  seq: z.number().int(),
  author: LegacyAuthorSchema,
  createdAt: z.iso.datetime({ offset: true }),
  clientMsgId: z.string().nullable(),
  attachments: z.array(AttachmentSchema),
});
export const LegacyAckFrameSchema = z.object({ type: z.literal('ack'), clientMsgId: z.string(), id: z.uuid(), seq: z.number().int(), duplicate: z.boolean() });
export const LegacySyncedFrameSchema = z.object({ type: z.literal('synced'), lastSeq: z.number().int() });
export const LegacyTypingFrameSchema = z.object({ type: z.literal('typing'), author: LegacyAuthorSchema, isTyping: z.boolean() });
export const LegacyThreadFrameSchema = z.object({
  type: z.literal('thread'),
  status: ThreadStatusSchema,
  assignedAgent: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  closedBy: z.object({ type: ActorTypeSchema, id: z.uuid().nullable() }).nullable(),
});
export const LegacyErrorFrameSchema = z.object({
  type: z.literal('error'),
  code: ErrorCodeSchema,
  message: z.string(),
  clientMsgId: z.string().optional(),
  retryAfterMs: z.number().int().nonnegative().optional(),
});

/** Frames a raw WebSocket client sends on `/ws/support/{threadId}/`. */
export const LEGACY_FRAMES_IN: Record<'chat' | 'sync' | 'typing', SocketEventDoc> = {
  chat: { summary: 'A chat message (`type` may be left out, as the old pages do); with a clientMsgId a resend stores one message and gets an `ack`', payload: LegacyChatInSchema },
  sync: { summary: 'Ask for the messages after a seq: `chat` frames, then `synced`', payload: LegacySyncInSchema },
  typing: { summary: 'Say that the sender is typing, or stopped', payload: LegacyTypingInSchema },
};

/** Frames the server sends on `/ws/support/{threadId}/`. */
export const LEGACY_FRAMES_OUT: Record<'connection_established' | 'chat' | 'ack' | 'synced' | 'typing' | 'thread' | 'error', SocketEventDoc> = {
  connection_established: { summary: 'Once, when the connection is authorized: the thread and its last seq', payload: LegacyWelcomeFrameSchema },
  chat: { summary: 'A stored message, to everyone in the room (the sender too)', payload: LegacyChatFrameSchema },
  ack: { summary: 'To the sender of a chat frame with a clientMsgId, once it is stored (or was already)', payload: LegacyAckFrameSchema },
  synced: { summary: "After a sync's chat frames: everything up to lastSeq has been sent", payload: LegacySyncedFrameSchema },
  typing: { summary: 'Someone in the room is typing, or stopped', payload: LegacyTypingFrameSchema },
  thread: { summary: 'The thread was claimed, reassigned or closed', payload: LegacyThreadFrameSchema },
  error: { summary: `A refused frame (nothing of it stored), with a code such as ${ErrorCode.ValidationFailed} or ${ErrorCode.RateLimited}`, payload: LegacyErrorFrameSchema },
};

// Compile-time agreement of the documented schemas with the types the code uses.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _agree: [
  Same<z.infer<typeof TypingEventSchema>, TypingEvent>,
  Same<z.infer<typeof ThreadReadEventSchema>, ThreadReadEvent>,
  Same<z.infer<typeof AckErrorSchema>, AckError>,
  Same<z.infer<typeof LegacyWelcomeFrameSchema>, LegacyWelcomeFrame>,
  Same<z.infer<typeof LegacyChatFrameSchema>, LegacyChatFrame>,
  Same<z.infer<typeof LegacyAckFrameSchema>, LegacyAckFrame>,
  Same<z.infer<typeof LegacySyncedFrameSchema>, LegacySyncedFrame>,
  Same<z.infer<typeof LegacyTypingFrameSchema>, LegacyTypingFrame>,
  Same<z.infer<typeof LegacyThreadFrameSchema>, LegacyThreadFrame>,
  Same<z.infer<typeof LegacyErrorFrameSchema>, LegacyErrorFrame>,
] = [true, true, true, true, true, true, true, true, true, true];
const _allFramesOut: Same<LegacyFrameOut['type'], keyof typeof LEGACY_FRAMES_OUT> = true;
const _allFramesIn: Same<NonNullable<LegacyFrameIn['type']>, keyof typeof LEGACY_FRAMES_IN> = true;
