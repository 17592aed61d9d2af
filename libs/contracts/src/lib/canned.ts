import { z } from 'zod';
import { LIMITS } from './limits';
import { MessageBodySchema } from './requests';
import { userText } from './text';

/**
 * Canned responses (saved replies): `personal` ones belong to one agent and only that agent sees
 * them; `shared` ones are made by admins and every agent sees them. An agent types `/shortcut` in
 * the composer to insert one.
 */
export const CANNED_SCOPES = ['personal', 'shared'] as const;
export const CannedScopeSchema = z.enum(CANNED_SCOPES);
export type CannedScope = z.infer<typeof CannedScopeSchema>;

/** What a shortcut may be: lower-case letters, digits and hyphens, 1..32 of them (typed after `/`). */
export const CANNED_SHORTCUT_PATTERN = /^[a-z0-9-]{1,32}$/;
export const CannedShortcutSchema = z.string().regex(CANNED_SHORTCUT_PATTERN, 'lower-case letters, digits and hyphens, 1 to 32 of them');
export const CannedTitleSchema = userText({ max: LIMITS.cannedTitleMax });

/**
 * The variables a body may hold; the console fills them in when it inserts the reply, so the
 * message sent (and stored) is the final text. Unknown `{{...}}` stay as typed.
 */
export const CANNED_VARIABLES = ['visitor.name', 'visitor.email', 'agent.name'] as const;
export type CannedVariable = (typeof CANNED_VARIABLES)[number];

export const CannedResponseSchema = z.object({
  id: z.uuid(),
  scope: CannedScopeSchema,
  shortcut: z.string(),
  title: z.string(),
  body: z.string(),
  /** The agent a personal reply belongs to; null for a shared one. */
  ownerId: z.uuid().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type CannedResponse = z.infer<typeof CannedResponseSchema>;

export const CreateCannedResponseRequestSchema = z.strictObject({
  /** `personal` unless said; only admins may create `shared` ones. */
  scope: CannedScopeSchema.default('personal'),
  shortcut: CannedShortcutSchema,
  title: CannedTitleSchema,
  body: MessageBodySchema,
});
export type CreateCannedResponseRequest = z.infer<typeof CreateCannedResponseRequestSchema>;

/** A reply keeps its scope: to move one, create it in the other scope and delete it here. */
export const UpdateCannedResponseRequestSchema = z
  .strictObject({
    shortcut: CannedShortcutSchema.optional(),
    title: CannedTitleSchema.optional(),
    body: MessageBodySchema.optional(),
  })
  .refine((b) => b.shortcut !== undefined || b.title !== undefined || b.body !== undefined, { message: 'nothing to change' });
export type UpdateCannedResponseRequest = z.infer<typeof UpdateCannedResponseRequestSchema>;

export const ListCannedResponsesQuerySchema = z.strictObject({
  /** Only the personal or only the shared replies; both when absent. */
  scope: CannedScopeSchema.optional(),
});
export type ListCannedResponsesQuery = z.infer<typeof ListCannedResponsesQuerySchema>;
