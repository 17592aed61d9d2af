import { z } from 'zod';
import { LIMITS } from './limits';
import { OriginSchema, userText } from './text';
import {
  AgentRoleSchema,
  WidgetLocaleSchema,
  AuditActionSchema,
  AuditEventSchema,
  AgentSchema,
  ApiKeySchema,
  ApiKeyScopeSchema,
  MessageSchema,
  ThreadSchema,
  ThreadStatusSchema,
  VisitorSchema,
  WebhookDeliverySchema,
  WebhookDeliveryStatusSchema,
  WebhookEventTypeSchema,
  WebhookSchema,
} from './models';

// Request bodies are strict: an unknown field is a validation error, not silently dropped.

export const NameSchema = userText({ max: LIMITS.nameMax });
export const EmailSchema = z.string().trim().toLowerCase().max(LIMITS.emailMax).pipe(z.email());
export const PasswordSchema = z.string().min(LIMITS.passwordMin).max(LIMITS.passwordMax);
export const MessageBodySchema = userText({ max: LIMITS.messageBodyMax, multiline: true });
/** A seq as the database holds it (int4): larger numbers are refused before they reach SQL. */
export const SeqSchema = z.number().int().min(0).max(LIMITS.seqMax);
export const ClientMsgIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.clientMsgIdMax)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');
export const IdSchema = z.uuid();
/** Upload ids (`POST /threads/{id}/uploads`) a message carries: the sender's own uploads to the same thread. */
export const AttachmentIdsSchema = z
  .array(IdSchema)
  .max(LIMITS.attachmentsPerMessageMax)
  .refine((ids) => new Set(ids).size === ids.length, 'the same upload twice');

/** A message has text, files, or both. */
export function hasBodyOrAttachments(m: { body?: string; attachments?: readonly string[] }): boolean {
  return m.body !== undefined || (m.attachments?.length ?? 0) > 0;
}
/** Checked even when other fields of an object fail, so a missing body is reported with them. */
export const BODY_OR_ATTACHMENTS = {
  message: 'a message needs a body or attachments',
  path: ['body'],
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};

export const SetupStatusSchema = z.object({ needsSetup: z.boolean() });
export type SetupStatus = z.infer<typeof SetupStatusSchema>;

export const SetupRequestSchema = z.strictObject({
  email: EmailSchema,
  name: NameSchema,
  password: PasswordSchema,
});
export type SetupRequest = z.infer<typeof SetupRequestSchema>;

export const LoginRequestSchema = z.strictObject({
  email: EmailSchema,
  password: z.string().min(1).max(LIMITS.passwordMax),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

/** The signed-in agent changes its own password: the current one proves it is the agent, not a borrowed session. */
export const ChangePasswordRequestSchema = z.strictObject({
  currentPassword: z.string().min(1).max(LIMITS.passwordMax),
  newPassword: PasswordSchema,
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequestSchema>;

/** An admin sets a new password for an agent (who forgot theirs, or whose password leaked). */
export const ResetPasswordRequestSchema = z.strictObject({ password: PasswordSchema });
export type ResetPasswordRequest = z.infer<typeof ResetPasswordRequestSchema>;

export const AuthResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.iso.datetime({ offset: true }),
  agent: AgentSchema,
});
export type AuthResponse = z.infer<typeof AuthResponseSchema>;

export const CreateAgentRequestSchema = z.strictObject({
  email: EmailSchema,
  name: NameSchema,
  password: PasswordSchema,
  role: AgentRoleSchema.default('agent'),
});
export type CreateAgentRequest = z.input<typeof CreateAgentRequestSchema>;

export const VisitorSessionRequestSchema = z.strictObject({
  name: NameSchema,
  email: EmailSchema,
});
export type VisitorSessionRequest = z.infer<typeof VisitorSessionRequestSchema>;

export const VisitorSessionResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.iso.datetime({ offset: true }),
  visitor: VisitorSchema,
});
export type VisitorSessionResponse = z.infer<typeof VisitorSessionResponseSchema>;

/** `POST /visitors/identify`: the identity token the customer's backend signed (a JWT, HS256). */
export const IdentifyRequestSchema = z.strictObject({ token: z.string().min(1).max(LIMITS.identityTokenMax) });
export type IdentifyRequest = z.infer<typeof IdentifyRequestSchema>;

export const IdParamsSchema = z.strictObject({ id: IdSchema });

export const ListThreadsQuerySchema = z.strictObject({
  status: ThreadStatusSchema.optional(),
  /** An agent id, `me`, or `none` (unassigned). */
  assignee: z.union([IdSchema, z.literal('me'), z.literal('none')]).optional(),
  /**
   * Search over all time: words of the messages' text (full-text, whole words), the
   * visitor's name and email (any part of them, case-insensitive) and tag names. Only punctuation
   * finds nothing.
   */
  q: userText({ max: LIMITS.searchMax }).optional(),
  /** Only threads with this tag (its id). */
  tag: IdSchema.optional(),
  /** Only threads of this team (its id), or `none`: the default queue's. */
  team: z.union([IdSchema, z.literal('none')]).optional(),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
});
export type ListThreadsQuery = z.infer<typeof ListThreadsQuerySchema>;

export const ThreadPageSchema = z.object({
  items: z.array(ThreadSchema),
  nextCursor: z.string().nullable(),
});
export type ThreadPage = z.infer<typeof ThreadPageSchema>;

export const ListMessagesQuerySchema = z.strictObject({
  afterSeq: z.coerce.number().int().min(0).max(LIMITS.seqMax).default(0),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeMax),
});
export type ListMessagesQuery = z.infer<typeof ListMessagesQuerySchema>;

export const MessagePageSchema = z.object({
  items: z.array(MessageSchema),
  /** The thread's newest seq: a client whose last item is below it has more to fetch. */
  lastSeq: z.number().int(),
  hasMore: z.boolean(),
});
export type MessagePage = z.infer<typeof MessagePageSchema>;

export const PostMessageRequestSchema = z
  .strictObject({
    clientMsgId: ClientMsgIdSchema,
    /** Optional when the message carries attachments. */
    body: MessageBodySchema.optional(),
    attachments: AttachmentIdsSchema.optional(),
  })
  .refine(hasBodyOrAttachments, BODY_OR_ATTACHMENTS);
export type PostMessageRequest = z.infer<typeof PostMessageRequestSchema>;

export const AssignThreadRequestSchema = z.strictObject({
  agentId: IdSchema,
  /** Admins only: assign even beyond the agent's `maxConcurrent`. */
  force: z.boolean().optional(),
});
export type AssignThreadRequest = z.infer<typeof AssignThreadRequestSchema>;

export const EmptyBodySchema = z.strictObject({});

/**
 * `POST /threads` (and the socket's `thread.start`): the team the host page asks for (`ParleySettings.team`),
 * by id or name. A team that does not exist starts the thread in the widget's default team: the visitor's chat is never refused for it.
 */
export const StartThreadRequestSchema = z.strictObject({ team: userText({ max: 100 }).optional() });
export type StartThreadRequest = z.infer<typeof StartThreadRequestSchema>;

/**
 * `POST /threads/{id}/transfer`: to an agent (`agentId`) or to a team's queue (`teamId`, null: the
 * default queue), exactly one of them; `note` is for agents only, never shown to the visitor.
 */
export const TransferThreadRequestSchema = z
  .strictObject({
    agentId: IdSchema.optional(),
    teamId: IdSchema.nullable().optional(),
    note: userText({ max: LIMITS.messageBodyMax, multiline: true }).optional(),
    /** Admins only: to an away agent, or beyond its capacity. */
    force: z.boolean().optional(),
  })
  .refine((b) => (b.agentId === undefined) !== (b.teamId === undefined), { message: 'give either agentId or teamId' });
export type TransferThreadRequest = z.infer<typeof TransferThreadRequestSchema>;

export const CreateTeamRequestSchema = z.strictObject({
  name: userText({ max: LIMITS.tagNameMax }),
  routingMode: z.enum(['manual', 'auto']).optional(),
});
export type CreateTeamRequest = z.infer<typeof CreateTeamRequestSchema>;

export const UpdateTeamRequestSchema = z
  .strictObject({
    name: userText({ max: LIMITS.tagNameMax }).optional(),
    routingMode: z.enum(['manual', 'auto']).optional(),
  })
  .refine((b) => b.name !== undefined || b.routingMode !== undefined, { message: 'nothing to change: give name or routingMode' });
export type UpdateTeamRequest = z.infer<typeof UpdateTeamRequestSchema>;

export const TeamMemberParamsSchema = z.strictObject({ id: IdSchema, agentId: IdSchema });

export const UpdateRoutingSettingsRequestSchema = z
  .strictObject({
    defaultMode: z.enum(['manual', 'auto']).optional(),
    unansweredMinutes: z.number().int().min(1).max(1440).nullable().optional(),
    widgetTeamId: IdSchema.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
export type UpdateRoutingSettingsRequest = z.infer<typeof UpdateRoutingSettingsRequestSchema>;

export const CreateApiKeyRequestSchema = z.strictObject({
  name: userText({ max: LIMITS.apiKeyNameMax }),
  /** What the key may do; every scope when left out (as keys made before scopes existed). */
  scopes: z
    .array(ApiKeyScopeSchema)
    .min(1, 'a key needs at least one scope')
    .transform((s) => [...new Set(s)])
    .optional(),
  /** When the key stops working; must be in the future. Left out: never. */
  expiresAt: z.iso
    .datetime({ offset: true })
    .refine((t) => Date.parse(t) > Date.now(), 'the expiry must be in the future')
    .optional(),
});
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequestSchema>;

export const CreatedApiKeySchema = ApiKeySchema.extend({
  /** The whole key: shown once, never stored, never returned again. */
  key: z.string(),
});
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;

/** What `POST /threads/{id}/uploads` answers: the upload, ready to be attached by its id. */
export const UploadSchema = z.object({
  uploadId: z.uuid(),
  name: z.string(),
  size: z.number().int().nonnegative(),
  contentType: z.string(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});
export type Upload = z.infer<typeof UploadSchema>;

/** The multipart field that carries the file of an upload. */
export const UPLOAD_FILE_FIELD = 'file';

export const HealthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.record(z.string(), z.enum(['up', 'down'])).optional(),
});

/** Admin changes to an agent. Deactivating keeps the agent's history and ends its sessions. */
export const UpdateAgentRequestSchema = z
  .strictObject({
    name: NameSchema.optional(),
    role: AgentRoleSchema.optional(),
    active: z.boolean().optional(),
    /** How many conversations the agent may work at once (routing and claims respect it). */
    maxConcurrent: z.number().int().min(1).max(50).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
export type UpdateAgentRequest = z.infer<typeof UpdateAgentRequestSchema>;

/** The signed-in agent's presence. `offline` is derived (no open socket), not set. */
export const UpdatePresenceRequestSchema = z.strictObject({ status: z.enum(['online', 'away']) });
export type UpdatePresenceRequest = z.infer<typeof UpdatePresenceRequestSchema>;

/** One language's texts: each one optional (absent: the default text is shown). */
export const WidgetTranslationRequestSchema = z.strictObject({
  title: userText({ max: 60 }).optional(),
  greetingLines: z.array(userText({ max: 200 })).max(3).optional(),
  closedMessage: userText({ max: 200 }).optional(),
});

const HexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #1a73e8');
export const UpdateWidgetSettingsRequestSchema = z.strictObject({
  title: userText({ max: 60 }),
  greetingLines: z.array(userText({ max: 200 })).max(3),
  color: HexColor,
  allowedOrigins: z.array(OriginSchema).max(50),
  /** Refuse anonymous visitor sessions; left as it is when absent. */
  identityRequired: z.boolean().optional(),
  /** Show agents the visitor's last IP address; left as it is when absent. */
  showVisitorIp: z.boolean().optional(),
  /** The site's language; left as it is when absent. */
  defaultLocale: WidgetLocaleSchema.optional(),
  /** The texts per language (replaces all of them); left as they are when absent. */
  translations: z.partialRecord(WidgetLocaleSchema, WidgetTranslationRequestSchema).optional(),
});
export type UpdateWidgetSettingsRequest = z.infer<typeof UpdateWidgetSettingsRequestSchema>;

/** A webhook target: an absolute http(s) URL without credentials (the server also checks where it points). */
export const WebhookUrlSchema = z
  .string()
  .trim()
  .max(LIMITS.webhookUrlMax)
  .refine((s) => URL.canParse(s), 'not an absolute URL')
  .refine((s) => !URL.canParse(s) || ['http:', 'https:'].includes(new URL(s).protocol), 'the URL must be http or https')
  .refine((s) => !URL.canParse(s) || (new URL(s).username === '' && new URL(s).password === ''), 'no user or password in the URL')
  .refine((s) => !URL.canParse(s) || new URL(s).hostname !== '', 'the URL needs a host');

const WebhookEventsSchema = z
  .array(WebhookEventTypeSchema)
  .min(1, 'subscribe to at least one event')
  .max(20)
  .transform((s) => [...new Set(s)]);

export const TagColorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb').transform((c) => c.toLowerCase());

export const CreateTagRequestSchema = z.strictObject({
  name: userText({ max: LIMITS.tagNameMax }),
  color: TagColorSchema.nullable().optional(),
});
export type CreateTagRequest = z.input<typeof CreateTagRequestSchema>;

export const UpdateTagRequestSchema = z
  .strictObject({
    name: userText({ max: LIMITS.tagNameMax }).optional(),
    color: TagColorSchema.nullable().optional(),
  })
  .refine((b) => b.name !== undefined || b.color !== undefined, { message: 'nothing to change: give name or color' });
export type UpdateTagRequest = z.input<typeof UpdateTagRequestSchema>;

export const ThreadTagParamsSchema = z.strictObject({ id: IdSchema, tagId: IdSchema });

export const CreateWebhookRequestSchema = z.strictObject({
  url: WebhookUrlSchema,
  events: WebhookEventsSchema,
  description: userText({ max: LIMITS.webhookDescriptionMax }).optional(),
  /** Default true. */
  enabled: z.boolean().optional(),
});
export type CreateWebhookRequest = z.infer<typeof CreateWebhookRequestSchema>;

export const UpdateWebhookRequestSchema = z
  .strictObject({
    url: WebhookUrlSchema.optional(),
    events: WebhookEventsSchema.optional(),
    description: userText({ max: LIMITS.webhookDescriptionMax }).nullable().optional(),
    /** Turning an endpoint back on clears its disabledReason; its waiting deliveries go out again. */
    enabled: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
export type UpdateWebhookRequest = z.infer<typeof UpdateWebhookRequestSchema>;

/** A webhook with its secret: answered once, on creation and on rotation. */
export const CreatedWebhookSchema = WebhookSchema.extend({
  /** `whsec_...`: the HMAC-SHA256 key of the `Parley-Signature` header. Shown once. */
  secret: z.string(),
});
export type CreatedWebhook = z.infer<typeof CreatedWebhookSchema>;

export const WebhookDeliveryParamsSchema = z.strictObject({ id: IdSchema, deliveryId: IdSchema });

export const ListWebhookDeliveriesQuerySchema = z.strictObject({
  status: WebhookDeliveryStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
});
export type ListWebhookDeliveriesQuery = z.infer<typeof ListWebhookDeliveriesQuerySchema>;

export const WebhookDeliveryPageSchema = z.object({ items: z.array(WebhookDeliverySchema) });
export type WebhookDeliveryPage = z.infer<typeof WebhookDeliveryPageSchema>;

/** `GET /audit-events`: newest first, filtered, paged by `before` (the `nextCursor` of the page before). */
export const ListAuditEventsQuerySchema = z.strictObject({
  action: AuditActionSchema.optional(),
  /** An agent's or API key's id. */
  actorId: IdSchema.optional(),
  targetId: IdSchema.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
  cursor: z.string().regex(/^\d{1,19}$/, 'not a cursor this API returned').optional(),
});
export type ListAuditEventsQuery = z.infer<typeof ListAuditEventsQuerySchema>;

export const AuditEventPageSchema = z.object({
  items: z.array(AuditEventSchema),
  nextCursor: z.string().nullable(),
});
export type AuditEventPage = z.infer<typeof AuditEventPageSchema>;

/** `PUT /settings/retention`: whole days (at least 30) after which closed conversations are deleted, or null to keep them. */
export const UpdateRetentionSettingsRequestSchema = z.strictObject({
  closedThreadsDays: z.number().int('must be a whole number of days').min(LIMITS.retentionDaysMin).max(LIMITS.retentionDaysMax).nullable(),
});
export type UpdateRetentionSettingsRequest = z.infer<typeof UpdateRetentionSettingsRequestSchema>;
