import { z } from 'zod';
import { LIMITS } from './limits';
import { ClientMsgIdSchema, IdSchema, MessageBodySchema } from './requests';

/**
 * Private notes: what agents write in a thread for each other. The thread's visitor never
 * receives a note by any channel (socket.io, the raw WebSocket, REST, emails, webhooks). Notes
 * have their own gapless per-thread sequence, `noteSeq`, independent of the messages' `seq`
 * (a visitor's widget takes a gap in `seq` for missing data), their own sync (`notes.sync`)
 * and an agents-only room per thread.
 *
 * `@Name` in a note mentions an active agent (see {@link findMentions}): the agent hears
 * `mention.created` and finds the note under `GET /mentions`.
 */

const Timestamp = z.iso.datetime({ offset: true });

/** An agent a note mentions. */
export const MentionedAgentSchema = z.object({ id: z.uuid(), name: z.string() });
export type MentionedAgent = z.infer<typeof MentionedAgentSchema>;

export const NoteSchema = z.object({
  id: z.uuid(),
  threadId: z.uuid(),
  /** The thread's note sequence: 1, 2, 3... with no gap; independent of the messages' seq. */
  noteSeq: z.number().int().positive(),
  /** An agent, or an integration (`bot`, an API key). */
  authorType: z.enum(['agent', 'bot']),
  authorId: z.uuid().nullable(),
  authorName: z.string().nullable(),
  body: z.string(),
  clientNoteId: z.string().nullable(),
  /** The active agents the note's `@Name`s named, in the order they appear. */
  mentions: z.array(MentionedAgentSchema),
  createdAt: Timestamp,
});
export type Note = z.infer<typeof NoteSchema>;

export const NoteBodySchema = MessageBodySchema;
/** Same rules as a clientMsgId; a resend with the same one stores nothing new. */
export const ClientNoteIdSchema = ClientMsgIdSchema;
export const NoteSeqSchema = z.number().int().min(0).max(LIMITS.seqMax);

export const PostNoteRequestSchema = z.strictObject({
  clientNoteId: ClientNoteIdSchema,
  body: NoteBodySchema.refine((s) => s.trim().length > 0, 'a note needs some text'),
});
export type PostNoteRequest = z.infer<typeof PostNoteRequestSchema>;

export const ListNotesQuerySchema = z.strictObject({
  afterNoteSeq: z.coerce.number().int().min(0).max(LIMITS.seqMax).default(0),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeMax),
});
export type ListNotesQuery = z.infer<typeof ListNotesQuerySchema>;

export const NotePageSchema = z.object({
  items: z.array(NoteSchema),
  /** The thread's newest noteSeq (0: no note yet). */
  lastNoteSeq: z.number().int(),
  hasMore: z.boolean(),
});
export type NotePage = z.infer<typeof NotePageSchema>;

/** Socket `note.send`: a note in a thread; ack `{note, duplicate}` once it is committed. */
export const NoteSendPayloadSchema = z.strictObject({
  threadId: IdSchema,
  clientNoteId: ClientNoteIdSchema,
  body: NoteBodySchema.refine((s) => s.trim().length > 0, 'a note needs some text'),
});
export type NoteSendPayload = z.infer<typeof NoteSendPayloadSchema>;

/** Socket `notes.sync`: the thread's notes after a noteSeq, in order. */
export const NotesSyncPayloadSchema = z.strictObject({
  threadId: IdSchema,
  afterNoteSeq: NoteSeqSchema,
  limit: z.number().int().min(1).max(LIMITS.pageSizeMax).optional(),
});
export type NotesSyncPayload = z.infer<typeof NotesSyncPayloadSchema>;

/** A note that mentions the signed-in agent (`GET /mentions`, socket `mention.created`). */
export const MentionSchema = z.object({
  /** The note's id (`POST /mentions/{id}/read`). */
  id: z.uuid(),
  threadId: z.uuid(),
  /** Who the conversation is with, for the list. */
  visitorName: z.string(),
  note: NoteSchema,
  /** When the agent marked it read; null while unread. */
  readAt: Timestamp.nullable(),
});
export type Mention = z.infer<typeof MentionSchema>;

export const ListMentionsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(50),
});
export type ListMentionsQuery = z.infer<typeof ListMentionsQuerySchema>;

/**
 * The agents a note mentions. After each `@` (at the start or after a character that is not a
 * letter or digit), the longest active agent name that follows, compared case-insensitively, and
 * not followed by a letter or digit: `@Ann Lee` names "Ann Lee" rather than "Ann" when both exist,
 * `@annabel` names nobody if only "Ann" exists. Each agent once, in order of first mention.
 */
export function findMentions<A extends { id: string; name: string }>(body: string, agents: readonly A[]): A[] {
  const byLength = [...agents].filter((a) => a.name.trim().length > 0).sort((a, b) => b.name.length - a.name.length);
  const found: A[] = [];
  const lower = body.toLocaleLowerCase();
  for (let i = lower.indexOf('@'); i !== -1; i = lower.indexOf('@', i + 1)) {
    if (i > 0 && /[\p{L}\p{N}_.]/u.test(body[i - 1])) continue;
    const rest = lower.slice(i + 1);
    const hit = byLength.find((a) => {
      const name = a.name.toLocaleLowerCase();
      return rest.startsWith(name) && !/^[\p{L}\p{N}_]/u.test(rest.slice(name.length));
    });
    if (hit && !found.some((f) => f.id === hit.id)) found.push(hit);
  }
  return found;
}
