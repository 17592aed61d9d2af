import { z } from 'zod';
import type { Ack } from './errors';
import type { Availability } from './availability';
import type { Agent, Message, QueuePosition, Thread, VisitorContext, Webhook } from './models';
import {
  AttachmentIdsSchema,
  BODY_OR_ATTACHMENTS,
  ClientMsgIdSchema,
  hasBodyOrAttachments,
  IdSchema,
  MessageBodySchema,
  type MessagePage,
  SeqSchema,
} from './requests';
import { LIMITS } from './limits';
import type { Mention, Note, NotePage, NoteSendPayload, NotesSyncPayload } from './notes';
import { userText } from './text';

import type { ClientEvent, ServerEvent } from './constants';

/** `team`: the team the host page asks for (`ParleySettings.team`), by id or name; an unknown one is the widget's default. */
export const ThreadStartPayloadSchema = z.strictObject({ team: userText({ max: 100 }).optional() });
export const ThreadRefPayloadSchema = z.strictObject({ threadId: IdSchema });
export const MessageSendPayloadSchema = z
  .strictObject({
    threadId: IdSchema,
    clientMsgId: ClientMsgIdSchema,
    /** Optional when the message carries attachments. */
    body: MessageBodySchema.optional(),
    attachments: AttachmentIdsSchema.optional(),
  })
  .refine(hasBodyOrAttachments, BODY_OR_ATTACHMENTS);
export const MessagesSyncPayloadSchema = z.strictObject({
  threadId: IdSchema,
  afterSeq: SeqSchema,
  limit: z.number().int().min(1).max(LIMITS.pageSizeMax).optional(),
});
export const TypingPayloadSchema = z.strictObject({ threadId: IdSchema, isTyping: z.boolean() });
/** Read receipts: the sender has read every message of the thread up to `seq` (at most its last seq). */
export const ThreadReadPayloadSchema = z.strictObject({ threadId: IdSchema, seq: SeqSchema });

/** A time zone the runtime knows (IANA name such as `Europe/Paris`, or `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

/**
 * The page the visitor is on, as its widget reports it: an absolute http(s) address without
 * credentials (the widget leaves the fragment out unless it is a hash route), a one-line title
 * (may be empty), and the visitor's time zone.
 */
export const VisitorPagePayloadSchema = z.strictObject({
  url: z
    .string()
    .max(LIMITS.pageUrlMax)
    .refine((s) => URL.canParse(s) && ['http:', 'https:'].includes(new URL(s).protocol), 'an absolute http or https address')
    .refine((s) => !URL.canParse(s) || (new URL(s).username === '' && new URL(s).password === ''), 'no user or password in the address'),
  title: z.string().max(LIMITS.pageTitleMax).refine((s) => !CONTROL.test(s), 'control characters are not allowed'),
  timeZone: z.string().max(LIMITS.timeZoneMax).refine(isTimeZone, 'not a time zone').optional(),
});

export type VisitorPagePayload = z.infer<typeof VisitorPagePayloadSchema>;
export type ThreadRefPayload = z.infer<typeof ThreadRefPayloadSchema>;
export type MessageSendPayload = z.infer<typeof MessageSendPayloadSchema>;
export type MessagesSyncPayload = z.infer<typeof MessagesSyncPayloadSchema>;
export type TypingPayload = z.infer<typeof TypingPayloadSchema>;
export type ThreadReadPayload = z.infer<typeof ThreadReadPayloadSchema>;

/** Read receipts as relayed: which side read the thread, and up to which seq (never lowered). */
export interface ThreadReadEvent {
  threadId: string;
  side: 'visitor' | 'agent';
  seq: number;
}

export interface TypingEvent {
  threadId: string;
  authorType: 'visitor' | 'agent';
  authorName: string;
  isTyping: boolean;
}

export type ThreadAck = Ack<{ thread: Thread }>;
export type MessageAck = Ack<{ message: Message; duplicate: boolean }>;
export type SyncAck = Ack<MessagePage>;
export type EmptyAck = Ack;
export type NoteAck = Ack<{ note: Note; duplicate: boolean }>;
export type NotesSyncAck = Ack<NotePage>;
/** The thread's read marks after the call (a lower seq than the stored one changes nothing). */
export type ReadAck = Ack<{ visitorReadSeq: number; agentReadSeq: number }>;

/** socket.io's client→server map: typed on the server and in every client. */
export interface ClientToServerEvents {
  [ClientEvent.ThreadStart]: (payload: { team?: string }, ack: (res: ThreadAck) => void) => void;
  [ClientEvent.ThreadJoin]: (payload: ThreadRefPayload, ack: (res: ThreadAck) => void) => void;
  [ClientEvent.ThreadLeave]: (payload: ThreadRefPayload, ack: (res: EmptyAck) => void) => void;
  [ClientEvent.ThreadClaim]: (payload: ThreadRefPayload, ack: (res: ThreadAck) => void) => void;
  [ClientEvent.ThreadClose]: (payload: ThreadRefPayload, ack: (res: ThreadAck) => void) => void;
  [ClientEvent.MessageSend]: (payload: MessageSendPayload, ack: (res: MessageAck) => void) => void;
  [ClientEvent.MessagesSync]: (payload: MessagesSyncPayload, ack: (res: SyncAck) => void) => void;
  [ClientEvent.Typing]: (payload: TypingPayload, ack: (res: EmptyAck) => void) => void;
  [ClientEvent.VisitorPage]: (payload: VisitorPagePayload, ack: (res: EmptyAck) => void) => void;
  [ClientEvent.NoteSend]: (payload: NoteSendPayload, ack: (res: NoteAck) => void) => void;
  [ClientEvent.NotesSync]: (payload: NotesSyncPayload, ack: (res: NotesSyncAck) => void) => void;
  [ClientEvent.ThreadRead]: (payload: ThreadReadPayload, ack: (res: ReadAck) => void) => void;
}

/** socket.io's server→client map. */
export interface ServerToClientEvents {
  [ServerEvent.MessageCreated]: (message: Message) => void;
  [ServerEvent.ThreadCreated]: (thread: Thread) => void;
  [ServerEvent.ThreadUpdated]: (thread: Thread) => void;
  [ServerEvent.Typing]: (event: TypingEvent) => void;
  /** To all agents: presence, role or name of an agent changed. */
  [ServerEvent.AgentUpdated]: (agent: Agent) => void;
  /** To admins: the server turned a webhook endpoint off (a 410, or days of failures); `disabledReason` says why. */
  [ServerEvent.WebhookDisabled]: (webhook: Webhook) => void;
  /** To all agents: a visitor's context changed (a new page, its socket came or went). */
  [ServerEvent.VisitorContext]: (context: VisitorContext) => void;
  /** To the agents in the thread's notes room (never a visitor): a private note was stored. */
  [ServerEvent.NoteCreated]: (note: Note) => void;
  /** To the mentioned agent's own room: a note mentions it. */
  [ServerEvent.MentionCreated]: (mention: Mention) => void;
  /** To widget (visitor) sockets: the site opened or closed. */
  [ServerEvent.AvailabilityUpdated]: (availability: Availability) => void;
  /** To a waiting visitor's thread room: its place in the queue and a wait estimate. */
  [ServerEvent.QueuePosition]: (position: QueuePosition) => void;
  /** Read receipts: to the thread's room and the reader's sockets. */
  [ServerEvent.ThreadRead]: (event: ThreadReadEvent) => void;
}

/** Socket handshake: `io(url, { auth: { token } })` with an agent or visitor token. */
export const SocketAuthSchema = z.object({ token: z.string().min(1).max(4096) });

/** Rooms: one name builder each, so no room name is spelled twice. */
export const Rooms = {
  thread: (id: string) => `thread:${id}`,
  agents: 'agents',
  /** Admin agents only: what concerns the workspace's settings (a webhook turned off). */
  admins: 'admins',
  agent: (id: string) => `agent:${id}`,
  /** A thread's private notes: joined by agent sockets only, never by a visitor's. */
  threadNotes: (id: string) => `notes:${id}`,
  visitor: (id: string) => `visitor:${id}`,
  /** Every visitor socket (joined per node): the site's availability. */
  visitors: 'visitors',
} as const;
