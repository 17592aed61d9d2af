import { z } from 'zod';

const Timestamp = z.iso.datetime({ offset: true });

/** One mail of the outbox, as the admins see it (no body: it may hold the conversation). */
export const EmailOutboxItemSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['digest', 'confirmation', 'transcript']),
  threadId: z.uuid().nullable(),
  to: z.string(),
  subject: z.string(),
  /** pending: waiting for its (next) attempt; sent: the SMTP server took it; failed: given up after the last retry. */
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: Timestamp.nullable(),
  createdAt: Timestamp,
  sentAt: Timestamp.nullable(),
});
export type EmailOutboxItem = z.infer<typeof EmailOutboxItemSchema>;

/** Admin → Email: whether mail is on (and why not), the setting, the newest mails with their status. */
export const EmailOverviewSchema = z.object({
  enabled: z.boolean(),
  /** Why mail is off (null when on). */
  reason: z.string().nullable(),
  from: z.string().nullable(),
  transcriptOnClose: z.boolean(),
  counts: z.object({ pending: z.number().int(), sent: z.number().int(), failed: z.number().int() }),
  /** The 50 newest mails. */
  outbox: z.array(EmailOutboxItemSchema),
});
export type EmailOverview = z.infer<typeof EmailOverviewSchema>;

export const UpdateEmailSettingsRequestSchema = z.strictObject({ transcriptOnClose: z.boolean() });
export type UpdateEmailSettingsRequest = z.infer<typeof UpdateEmailSettingsRequestSchema>;

/** A link's secret from a mail (resume a conversation, confirm an address). */
export const EmailLinkRequestSchema = z.strictObject({ token: z.string().min(16).max(200).regex(/^[A-Za-z0-9_-]+$/, 'not a link token') });
export type EmailLinkRequest = z.infer<typeof EmailLinkRequestSchema>;

export const EmailConfirmedSchema = z.object({ email: z.string(), verified: z.literal(true) });
export type EmailConfirmed = z.infer<typeof EmailConfirmedSchema>;

/** `POST /threads/{id}/transcript`: queued, or (an address not confirmed yet) a confirmation was sent instead. */
export const TranscriptRequestedSchema = z.object({ outcome: z.enum(['queued', 'confirmation_sent']) });
export type TranscriptRequested = z.infer<typeof TranscriptRequestedSchema>;
