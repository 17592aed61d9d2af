import { z } from 'zod';
import { API_KEY_SCOPES, AUDIT_ACTIONS, ROUTING_MODES, WEBHOOK_EVENT_TYPES, WIDGET_LOCALES } from './constants';

const Timestamp = z.iso.datetime({ offset: true });
const NullableTimestamp = Timestamp.nullable();

export const AgentRole = { Admin: 'admin', Agent: 'agent' } as const;
export const AgentRoleSchema = z.enum(['admin', 'agent']);
export type AgentRole = z.infer<typeof AgentRoleSchema>;

export const AgentStatusSchema = z.enum(['online', 'away', 'offline']);
export type AgentStatus = z.infer<typeof AgentStatusSchema>;

export const AgentSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: AgentRoleSchema,
  status: AgentStatusSchema,
  maxConcurrent: z.number().int(),
  /** False once an admin deactivated the agent: it can no longer sign in. */
  active: z.boolean(),
  createdAt: Timestamp,
  /** `GET /agents` only: how many conversations the agent works now (`activeThreads/maxConcurrent`). */
  activeThreads: z.number().int().nonnegative().optional(),
  /** `GET /agents` only: the teams the agent is a member of. */
  teamIds: z.array(z.uuid()).optional(),
});
export type Agent = z.infer<typeof AgentSchema>;

export const RoutingModeSchema = z.enum(ROUTING_MODES);

/** A group of agents with its own queue (`/teams`): Sales, Support... */
export const TeamSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** `manual`: agents claim from the queue; `auto`: the server assigns to the least loaded eligible member. */
  routingMode: RoutingModeSchema,
  /** Its members' agent ids. */
  memberIds: z.array(z.uuid()),
});
export type Team = z.infer<typeof TeamSchema>;

/** Workspace routing settings (`/routing-settings`). */
export const RoutingSettingsSchema = z.object({
  /** The routing mode of conversations without a team (the default queue). */
  defaultMode: RoutingModeSchema,
  /** An assignee who has not replied within this many minutes loses the conversation back to routing; null: never. */
  unansweredMinutes: z.number().int().min(1).max(1440).nullable(),
  /** The team the widget starts new conversations in (the host page may name another); null: the default queue. */
  widgetTeamId: z.uuid().nullable(),
});
export type RoutingSettings = z.infer<typeof RoutingSettingsSchema>;

/** To a waiting visitor: its place in its queue (1 = next) and an estimate of the wait in seconds (null: unknown). */
export const QueuePositionSchema = z.object({
  threadId: z.uuid(),
  position: z.number().int().positive(),
  estimateSeconds: z.number().int().nonnegative().nullable(),
});
export type QueuePosition = z.infer<typeof QueuePositionSchema>;

export const VisitorSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string(),
  /** True when the email came from the site's signed identity token, not from a form. */
  emailVerified: z.boolean(),
  /** The site's own id of this user (`sub` of the identity token); null for an anonymous visitor. */
  externalId: z.string().nullable(),
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
});
export type Visitor = z.infer<typeof VisitorSchema>;

export const ThreadStatus = { Queued: 'queued', Active: 'active', Closed: 'closed' } as const;
export const ThreadStatusSchema = z.enum(['queued', 'active', 'closed']);
export type ThreadStatus = z.infer<typeof ThreadStatusSchema>;

/** Who did something: the server fills it from the caller's credentials, never from a body. */
export const ActorTypeSchema = z.enum(['visitor', 'agent', 'integration', 'system']);
export type ActorType = z.infer<typeof ActorTypeSchema>;

export const AuthorTypeSchema = z.enum(['visitor', 'agent', 'system', 'bot']);
export type AuthorType = z.infer<typeof AuthorTypeSchema>;

/** The newest message of a thread that a person or an integration wrote (system notes are skipped). */
export const LastMessageSchema = z.object({
  seq: z.number().int().positive(),
  authorType: AuthorTypeSchema,
  authorId: z.uuid().nullable(),
  /** The first 140 characters of the text. */
  body: z.string(),
  createdAt: Timestamp,
});
export type LastMessage = z.infer<typeof LastMessageSchema>;

/** A label admins define and agents put on threads (`/tags`, `/threads/{id}/tags/{tagId}`). */
export const TagSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** `#rrggbb`, or null for the console's default. */
  color: z.string().nullable(),
});
export type Tag = z.infer<typeof TagSchema>;
/** How the visitor rated a closed conversation (CSAT), credited to the agent assigned when it closed. */
export const ThreadRatingSchema = z.object({
  /** 1 (bad) to 5 (great). */
  score: z.number().int().min(1).max(5),
  comment: z.string().nullable(),
  /** The agent assigned when the conversation closed; null when none was. */
  ratedAgent: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  /** When the visitor first rated: they may change the rating until 24 h after. */
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ThreadRating = z.infer<typeof ThreadRatingSchema>;

export const ThreadSchema = z.object({
  id: z.uuid(),
  status: ThreadStatusSchema,
  lastSeq: z.number().int(),
  /** The highest seq the visitor has read (read receipts: `thread.read`); 0 before any. */
  visitorReadSeq: z.number().int().nonnegative(),
  /** The highest seq an agent has read. */
  agentReadSeq: z.number().int().nonnegative(),
  visitor: z.object({ id: z.uuid(), name: z.string(), email: z.string() }),
  assignedAgent: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  /** The team whose queue it belongs to; null: the default queue. */
  team: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  closedAt: NullableTimestamp,
  closedBy: z.object({ type: ActorTypeSchema, id: z.uuid().nullable() }).nullable(),
  /** The visitor's first message (up to 140 characters), for queue and history lists. */
  preview: z.string().nullable(),
  /** The newest message that is not a system note, so lists show where the conversation stands. */
  lastMessage: LastMessageSchema.nullable(),
  /** Its tags, by name; always empty for visitors (tags are the team's own words). */
  tags: z.array(TagSchema),
  /**
   * Only in a list searched with `q`: the first message whose text matches (null when only the
   * visitor's name or email, or a tag, did), as an excerpt of up to about 160 characters around the
   * match; `terms` are the searched words, for the client to highlight.
   */
  match: z.object({ seq: z.number().int().positive(), excerpt: z.string(), terms: z.array(z.string()) }).nullable().optional(),
  /** The visitor's rating, once the conversation is closed and rated. */
  rating: ThreadRatingSchema.nullable(),
  /** The visitor started it while the site was closed (outside opening hours, or no agent online). */
  createdWhileClosed: z.boolean(),
});
export type Thread = z.infer<typeof ThreadSchema>;

/**
 * A file sent with a message: an upload once a message carries it. The bytes are at
 * `GET /api/v1/attachments/{id}`; `contentType` was decided from them, never from what the sender said.
 */
export const AttachmentSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  size: z.number().int().nonnegative(),
  contentType: z.string(),
  /** Images only: pixel size, after the orientation the camera recorded was applied. */
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

export const MessageSchema = z.object({
  id: z.uuid(),
  threadId: z.uuid(),
  seq: z.number().int().positive(),
  authorType: AuthorTypeSchema,
  authorId: z.uuid().nullable(),
  authorName: z.string().nullable(),
  /** Empty when the message is only files. */
  body: z.string(),
  clientMsgId: z.string().nullable(),
  /** The files of the message, in the order they were sent (none for most messages). */
  attachments: z.array(AttachmentSchema),
  createdAt: Timestamp,
});
export type Message = z.infer<typeof MessageSchema>;

export const ApiKeyScopeSchema = z.enum(API_KEY_SCOPES, { error: (iss) => `unknown scope ${JSON.stringify(iss.input)}; the scopes are ${API_KEY_SCOPES.join(', ')}` });

export const ApiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  /** What the key may do: each route an API key may call needs one of these. */
  scopes: z.array(ApiKeyScopeSchema),
  createdAt: Timestamp,
  /** After this the key is refused (401 API_KEY_EXPIRED); null: it does not expire. */
  expiresAt: NullableTimestamp,
  /** When and from which address the key was last used, to the minute (a hint, not an audit log). */
  lastUsedAt: NullableTimestamp,
  lastUsedIp: z.string().nullable(),
  /** When the secret was last replaced; the previous secret stopped working then. */
  rotatedAt: NullableTimestamp,
  revokedAt: NullableTimestamp,
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

/** An identity secret as listed: never the secret, only its last characters. */
export const IdentitySecretSchema = z.object({
  id: z.uuid(),
  /** The secret's last 4 characters, to tell which one a backend holds. */
  hint: z.string(),
  createdAt: Timestamp,
});
export type IdentitySecret = z.infer<typeof IdentitySecretSchema>;

/** A new identity secret, the one time it is shown. */
export const CreatedIdentitySecretSchema = IdentitySecretSchema.extend({
  /** The HS256 key the customer's backend signs identity tokens with (base64url, 256 bits). */
  secret: z.string(),
});
export type CreatedIdentitySecret = z.infer<typeof CreatedIdentitySecretSchema>;

export const WidgetLocaleSchema = z.enum(WIDGET_LOCALES);

/** The admin's words for one language; what is absent is taken from the site's default texts. */
export const WidgetTranslationSchema = z.object({
  title: z.string().optional(),
  greetingLines: z.array(z.string()).optional(),
  closedMessage: z.string().optional(),
});
export type WidgetTranslation = z.infer<typeof WidgetTranslationSchema>;

export const WidgetSettingsSchema = z.object({
  /** Header title of the popup, e.g. "Ask EVA". */
  title: z.string(),
  /** Intro lines typed out when the popup opens. */
  greetingLines: z.array(z.string()),
  /** Accent colour, `#rrggbb`. */
  color: z.string(),
  /** The site's language: the widget speaks it when neither the host page nor the browser asks for one it knows. */
  defaultLocale: WidgetLocaleSchema,
  /** The title, greeting and closed message per language (a visitor in that language sees them instead of the defaults). */
  translations: z.partialRecord(WidgetLocaleSchema, WidgetTranslationSchema),
  /** Origins of the customer sites allowed to embed the widget (besides ALLOWED_ORIGINS). */
  allowedOrigins: z.array(z.string()),
  /** Only visitors the site identified (a signed identity token) may chat: anonymous sessions are refused. */
  identityRequired: z.boolean(),
  /** The identity secrets (newest first, at most two during a rotation), by hint: the secrets themselves are shown once. */
  identitySecrets: z.array(IdentitySecretSchema),
  updatedAt: Timestamp,
  /** The site whose page last loaded the widget, and when (to the minute); null: not seen on a site yet. Admin only. */
  seenOn: z.object({ origin: z.string(), at: Timestamp }).nullable(),
  /** Agents see a visitor's last known IP address in the visitor's context (off by default: privacy). Admin only. */
  showVisitorIp: z.boolean(),
});
export type WidgetSettings = z.infer<typeof WidgetSettingsSchema>;

/** What the public settings route answers: only what the widget draws (not the list of allowed sites, the secrets, nor where it was seen). */
export const PublicWidgetSettingsSchema = WidgetSettingsSchema.omit({ allowedOrigins: true, identitySecrets: true, seenOn: true, showVisitorIp: true });
export type PublicWidgetSettings = z.infer<typeof PublicWidgetSettingsSchema>;

export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES, {
  error: (iss) => `unknown event ${JSON.stringify(iss.input)}; the events are ${WEBHOOK_EVENT_TYPES.join(', ')}`,
});

/** An endpoint that is sent the events it subscribes to, signed with its secret (never shown again after creation or rotation). */
export const WebhookSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(WebhookEventTypeSchema),
  enabled: z.boolean(),
  /** Why the server turned the endpoint off (a 410, or days of failures); null while enabled or turned off by an admin. */
  disabledReason: z.string().nullable(),
  disabledAt: NullableTimestamp,
  /** While set and in the future, the previous secret still signs too (a second `v1=`). */
  previousSecretExpiresAt: NullableTimestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Webhook = z.infer<typeof WebhookSchema>;

export const WebhookDeliveryStatusSchema = z.enum(['pending', 'succeeded', 'failed']);
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatusSchema>;

/** One event sent to one endpoint: its `id` is the `Parley-Delivery` header, the same on every attempt. */
export const WebhookDeliverySchema = z.object({
  id: z.uuid(),
  webhookId: z.uuid(),
  eventId: z.uuid(),
  eventType: z.string(),
  threadId: z.uuid().nullable(),
  /** pending: waiting for its next attempt (or for an earlier event of its thread); succeeded: a 2xx; failed: given up. */
  status: WebhookDeliveryStatusSchema,
  attempts: z.number().int(),
  /** The last attempt's HTTP status (null: no answer), its duration and its error. */
  responseStatus: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  error: z.string().nullable(),
  /** The delivery this one sends again (`POST .../redeliver`), or null. */
  redeliveryOf: z.uuid().nullable(),
  createdAt: Timestamp,
  lastAttemptAt: NullableTimestamp,
  nextAttemptAt: NullableTimestamp,
  deliveredAt: NullableTimestamp,
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const AuditActionSchema = z.enum(AUDIT_ACTIONS);

/** Who did it: an agent, an integrator's API key, the server itself, or someone not signed in (a failed login). */
export const AuditActorTypeSchema = z.enum(['agent', 'apiKey', 'system', 'anonymous']);
export type AuditActorType = z.infer<typeof AuditActorTypeSchema>;

/** One entry of the audit log. Never holds a password, secret or token, only what was changed. */
export const AuditEventSchema = z.object({
  /** Increases with every entry: newer entries have larger ids. */
  id: z.string().regex(/^\d+$/),
  at: Timestamp,
  actor: z.object({
    type: AuditActorTypeSchema,
    id: z.string().nullable(),
    /** The actor's name when it acted (an agent's name, an API key's name). */
    name: z.string().nullable(),
  }),
  action: AuditActionSchema,
  /** What it acted on (an agent, an API key, a webhook, the widget settings), when it acted on one thing. */
  target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
  /** The caller's address (as `TRUST_PROXY` decides it) and user agent. */
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** What was changed: the request's fields (credentials removed), or what the server decided. */
  details: z.record(z.string(), z.unknown()),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

/** How long closed conversations are kept (null: for ever), and what the last nightly run did. */
export const RetentionSettingsSchema = z.object({
  closedThreadsDays: z.number().int().nullable(),
  lastRunAt: NullableTimestamp,
  /** Conversations the last run deleted. */
  lastRunDeleted: z.number().int().nullable(),
  updatedAt: Timestamp,
});
export type RetentionSettings = z.infer<typeof RetentionSettingsSchema>;

/** A page of the customer's site a visitor was on: its address (path and query; no fragment but a hash route's), title, and when it was reported. */
export const VisitorPageSchema = z.object({ url: z.string(), title: z.string(), at: Timestamp });
export type VisitorPage = z.infer<typeof VisitorPageSchema>;
/**
 * What an agent sees of where a visitor is (agents only, never the visitor): the pages of the current
 * visit (newest first; a visit ends after `LIMITS.visitGapMinutes` without a connected socket),
 * browser, OS and device from the visitor's socket, its time zone, whether a socket of it is
 * connected now, and its last address only when the admin setting `showVisitorIp` is on.
 */
export const VisitorContextSchema = z.object({
  visitorId: z.uuid(),
  /** A socket of the visitor is connected (on any node). */
  online: z.boolean(),
  /** When a socket of the visitor last connected or went away. */
  lastSeenAt: Timestamp,
  /** Newest first; the first is the current page. */
  pages: z.array(VisitorPageSchema),
  browser: z.object({ name: z.string(), version: z.string().nullable() }).nullable(),
  os: z.object({ name: z.string(), version: z.string().nullable() }).nullable(),
  /** desktop, mobile, tablet, tv, ... as bowser names it; null when unknown. */
  device: z.string().nullable(),
  /** The visitor's IANA time zone (from its browser), e.g. `Europe/Paris`. */
  timeZone: z.string().nullable(),
  /** Present only while the `showVisitorIp` setting is on; null when not known. */
  ip: z.string().nullable().optional(),
});
export type VisitorContext = z.infer<typeof VisitorContextSchema>;
