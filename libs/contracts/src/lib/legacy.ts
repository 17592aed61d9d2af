import { z } from 'zod';
import type { ErrorCode } from './constants';
import type { ActorType, Attachment, AuthorType, ThreadStatus } from './models';
import { AttachmentIdsSchema, BODY_OR_ATTACHMENTS, ClientMsgIdSchema, hasBodyOrAttachments, MessageBodySchema, SeqSchema } from './requests';

/**
 * The old system's raw WebSocket protocol (a Django Channels consumer per room), served by Parley
 * beside socket.io: `new WebSocket(origin + '/ws/support/' + threadId + '/')`, `{"message": text}` in,
 * `{"type": "chat", "message": text}` out to everyone in the room. Parley's frames are a superset of
 * the old ones, so old pages keep working and new clients get seq, ids, resync and idempotent resend.
 * docs/legacy-protocol.md has the whole story.
 */
export const LEGACY_WS_PATH = '/ws/support';

/** The subprotocol the server selects when a client offers it (a browser needs one picked when it offers any). */
export const LEGACY_SUBPROTOCOL = 'parley.v1';
/** A `Sec-WebSocket-Protocol` entry `bearer.<token>` carries the token without putting it in the URL. */
export const LEGACY_TOKEN_PROTOCOL_PREFIX = 'bearer.';

/** How the server ends a raw connection, beside the standard codes (1001 going away, 1009 frame too big). */
export const LegacyCloseCode = {
  /** No token, a bad or expired token, or an ended session. */
  Unauthenticated: 4401,
  /** A caller that may not use this endpoint (an API key) or this thread. */
  Forbidden: 4403,
  /** No such thread, or not one the caller may see (a visitor's foreign thread looks like none). */
  NotFound: 4404,
  /** Too many connection attempts, or frames sent on and on while refused. */
  RateLimited: 4429,
  /** The server is shutting down or the socket was closed for the caller (deactivated, signed out). */
  GoingAway: 1001,
  /** A frame above the size limit. */
  TooBig: 1009,
} as const;
export type LegacyCloseCode = (typeof LegacyCloseCode)[keyof typeof LegacyCloseCode];

/** Frames a raw client sends. A frame without `type` is a chat message, as the old pages send it. */
export const LegacyChatInSchema = z
  .strictObject({
    type: z.literal('chat').optional(),
    /** Optional when the frame carries attachments. */
    message: MessageBodySchema.optional(),
    /** Makes a resend idempotent: the same id in the same thread stores one message. */
    clientMsgId: ClientMsgIdSchema.optional(),
    /** Upload ids (`POST /api/v1/threads/{id}/uploads`) of the sender's files in this thread. */
    attachments: AttachmentIdsSchema.optional(),
  })
  .refine((f) => hasBodyOrAttachments({ body: f.message, attachments: f.attachments }), {
    message: 'a chat frame needs a message or attachments',
    path: ['message'],
    when: BODY_OR_ATTACHMENTS.when,
  });
export const LegacySyncInSchema = z.strictObject({ type: z.literal('sync'), afterSeq: SeqSchema });
export const LegacyTypingInSchema = z.strictObject({ type: z.literal('typing'), isTyping: z.boolean() });
export type LegacyChatIn = z.infer<typeof LegacyChatInSchema>;
export type LegacySyncIn = z.infer<typeof LegacySyncInSchema>;
export type LegacyTypingIn = z.infer<typeof LegacyTypingInSchema>;
export type LegacyFrameIn = LegacyChatIn | LegacySyncIn | LegacyTypingIn;

export interface LegacyAuthor {
  type: AuthorType;
  name: string | null;
}

/** Sent once, when the connection is authorized; the seed pages ignore types they do not know. */
export interface LegacyWelcomeFrame {
  type: 'connection_established';
  message: string;
  threadId: string;
  status: ThreadStatus;
  lastSeq: number;
}
/** A stored message, to everyone in the room (the sender too, as the old server did). */
export interface LegacyChatFrame {
  type: 'chat';
  message: string;
  id: string;
  threadId: string;
  seq: number;
  author: LegacyAuthor;
  createdAt: string;
  clientMsgId: string | null;
  /** The message's files (each downloadable at `/api/v1/attachments/{id}`); empty for most. */
  attachments: Attachment[];
}
/** To the sender of a chat frame that carried a clientMsgId, once it is stored (or was already). */
export interface LegacyAckFrame {
  type: 'ack';
  clientMsgId: string;
  id: string;
  seq: number;
  duplicate: boolean;
}
/** After a sync's `chat` frames: everything up to `lastSeq` has been sent. */
export interface LegacySyncedFrame {
  type: 'synced';
  lastSeq: number;
}
export interface LegacyTypingFrame {
  type: 'typing';
  author: LegacyAuthor;
  isTyping: boolean;
}
/** The thread changed: claimed (active), reassigned or closed. */
export interface LegacyThreadFrame {
  type: 'thread';
  status: ThreadStatus;
  assignedAgent: { id: string; name: string } | null;
  closedBy: { type: ActorType; id: string | null } | null;
}
/** A refused frame: nothing of it was stored. `clientMsgId` names the chat frame it answers. */
export interface LegacyErrorFrame {
  type: 'error';
  code: ErrorCode;
  message: string;
  clientMsgId?: string;
  retryAfterMs?: number;
}
export type LegacyFrameOut =
  | LegacyWelcomeFrame
  | LegacyChatFrame
  | LegacyAckFrame
  | LegacySyncedFrame
  | LegacyTypingFrame
  | LegacyThreadFrame
  | LegacyErrorFrame;

/** The old pages' close call: `support_agent_id` is null from a visitor's page, the agent's id from an agent's. */
export const LegacyCloseRequestSchema = z.object({
  support_agent_id: z.union([z.uuid(), z.null()]).optional(),
});
export type LegacyCloseRequest = z.infer<typeof LegacyCloseRequestSchema>;

export const LegacyCloseResponseSchema = z.object({ success: z.literal(true), threadId: z.uuid(), status: z.literal('closed') });
export type LegacyCloseResponse = z.infer<typeof LegacyCloseResponseSchema>;

/** The old pages stored each received message themselves; Parley stored it when it was sent. */
export const LegacySaveMessageResponseSchema = z.object({ success: z.literal(true), stored: z.literal(false), reason: z.string() });
export type LegacySaveMessageResponse = z.infer<typeof LegacySaveMessageResponseSchema>;

/** Whatever the old pages post to `/save_message/`: accepted and not stored again. */
export const LegacySaveMessageRequestSchema = z.looseObject({});
