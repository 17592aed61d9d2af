import { z } from 'zod';
import { MessageSchema, ThreadSchema, VisitorSchema } from './models';

/**
 * Privacy requests (GDPR art. 15 and 17): admins, or API keys with `privacy:manage`, find the
 * visitors who gave an email address, export everything stored about one, and erase one.
 */

/** What replaces the erased visitor's name in every place it was stored (the visitor row, messages' author names). */
export const ERASED_VISITOR_NAME = 'Erased visitor';
/** What replaces the text of every message the erased visitor wrote; seqs stay, so transcripts keep their order. */
export const ERASED_MESSAGE_TEXT = '[erased at the visitor’s request]';

export const FindVisitorsQuerySchema = z.object({
  /** Compared whole and case-insensitively: several visitors may have typed the same unverified address. */
  email: z
    .string()
    .trim()
    .min(3)
    .max(320)
    // eslint-disable-next-line no-control-regex -- control characters are what is refused
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'no control characters'),
});
export type FindVisitorsQuery = z.infer<typeof FindVisitorsQuerySchema>;

export const PrivacyVisitorSchema = VisitorSchema.extend({
  /** How many conversations the visitor has, open or closed. */
  threads: z.number().int().nonnegative(),
});
export type PrivacyVisitor = z.infer<typeof PrivacyVisitorSchema>;

export const ErasureSchema = z.object({
  visitorId: z.uuid(),
  erasedAt: z.iso.datetime({ offset: true }),
  /** Conversations that were still open and are now closed, with a note. */
  threadsClosed: z.number().int().nonnegative(),
  /** Messages of the visitor whose text was replaced by {@link ERASED_MESSAGE_TEXT}. */
  messagesErased: z.number().int().nonnegative(),
  /** Files the visitor sent, deleted from storage. */
  filesDeleted: z.number().int().nonnegative(),
});
export type Erasure = z.infer<typeof ErasureSchema>;

/**
 * Everything Parley stores about one visitor, as `GET /privacy/visitors/{id}/export` streams it: the
 * visitor with what the widget reported (pages of the last visit, browser, time zone, last address),
 * and each conversation with all its messages (files as metadata; their bytes stay at
 * `/attachments/{id}`). Other people's messages in those conversations are part of the transcript.
 */
export const PrivacyExportSchema = z.object({
  exportedAt: z.iso.datetime({ offset: true }),
  visitor: VisitorSchema.extend({
    pages: z.array(z.object({ url: z.string(), title: z.string(), at: z.string() })),
    userAgent: z.string().nullable(),
    timeZone: z.string().nullable(),
    lastIp: z.string().nullable(),
    meta: z.record(z.string(), z.unknown()),
  }),
  threads: z.array(ThreadSchema.omit({ match: true }).extend({ messages: z.array(MessageSchema) })),
});
export type PrivacyExport = z.infer<typeof PrivacyExportSchema>;
