import { z } from 'zod';
import { type ApiKeyScope, type AuditAction, ErrorCode, type REST_ROUTE_BASES } from './constants';
import { CannedResponseSchema, CreateCannedResponseRequestSchema, ListCannedResponsesQuerySchema, UpdateCannedResponseRequestSchema } from './canned';
import { ListMentionsQuerySchema, ListNotesQuerySchema, MentionSchema, NotePageSchema, NoteSchema, PostNoteRequestSchema } from './notes';
import { AvailabilitySchema, AvailabilitySettingsSchema, UpdateAvailabilitySettingsRequestSchema } from './availability';
import { EmailConfirmedSchema, EmailLinkRequestSchema, EmailOverviewSchema, TranscriptRequestedSchema, UpdateEmailSettingsRequestSchema } from './email';
import { RateThreadRequestSchema, ReportQuerySchema, ReportSchema } from './reports';
import { ErasureSchema, FindVisitorsQuerySchema, PrivacyExportSchema, PrivacyVisitorSchema } from './privacy';
import { LegacyCloseRequestSchema, LegacyCloseResponseSchema, LegacySaveMessageRequestSchema, LegacySaveMessageResponseSchema } from './legacy';
import { AgentSchema, ApiKeySchema, CreatedIdentitySecretSchema, RetentionSettingsSchema, MessageSchema, PublicWidgetSettingsSchema, RoutingSettingsSchema, TeamSchema, ThreadSchema, VisitorSchema, WebhookDeliverySchema, WebhookSchema, WidgetSettingsSchema, VisitorContextSchema, TagSchema } from './models';
import {
  AssignThreadRequestSchema,
  CreateTeamRequestSchema,
  StartThreadRequestSchema,
  TeamMemberParamsSchema,
  TransferThreadRequestSchema,
  UpdateRoutingSettingsRequestSchema,
  UpdateTeamRequestSchema,
  AuditEventPageSchema,
  ListAuditEventsQuerySchema,
  UpdateRetentionSettingsRequestSchema,
  AuthResponseSchema,
  ChangePasswordRequestSchema,
  CreateAgentRequestSchema,
  CreateApiKeyRequestSchema,
  CreatedApiKeySchema,
  CreatedWebhookSchema,
  CreateWebhookRequestSchema,
  CreateTagRequestSchema,
  ThreadTagParamsSchema,
  UpdateTagRequestSchema,
  ListWebhookDeliveriesQuerySchema,
  UpdateWebhookRequestSchema,
  WebhookDeliveryPageSchema,
  WebhookDeliveryParamsSchema,
  HealthSchema,
  IdentifyRequestSchema,
  ListMessagesQuerySchema,
  ListThreadsQuerySchema,
  LoginRequestSchema,
  MessagePageSchema,
  PostMessageRequestSchema,
  ResetPasswordRequestSchema,
  SetupRequestSchema,
  SetupStatusSchema,
  ThreadPageSchema,
  UPLOAD_FILE_FIELD,
  UploadSchema,
  UpdateAgentRequestSchema,
  UpdatePresenceRequestSchema,
  UpdateWidgetSettingsRequestSchema,
  VisitorSessionRequestSchema,
  VisitorSessionResponseSchema,
} from './requests';

/** Who may call a route: an agent (JWT), an admin agent, a visitor (JWT), an integrator (API key). */
export type Caller = 'public' | 'agent' | 'admin' | 'visitor' | 'apiKey';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RestRoute {
  method: HttpMethod;
  /** OpenAPI-style path below `base`, e.g. `/threads/{id}`. */
  path: string;
  /** Path prefix; {@link API_PREFIX} unless set (health checks are not versioned). */
  base?: string;
  summary: string;
  tag: string;
  callers: readonly Caller[];
  /** The scope an API key needs here; every route an API key may call names one (checked at compile time). */
  scope?: ApiKeyScope;
  body?: z.ZodType;
  query?: z.ZodObject;
  params?: z.ZodObject;
  status: number;
  response?: z.ZodType;
  /**
   * Codes of the problem documents the route answers beyond the ones every route may answer (bad
   * input, and for non-public routes missing or refused credentials), so clients can tell them apart.
   */
  errors?: readonly ErrorCode[];
  /** Statuses besides `status` that still carry `response` (readiness answers 503 while down). */
  alsoAnswers?: readonly number[];
  /** The body is `multipart/form-data` with one file in this field (streamed, not JSON). */
  upload?: string;
  /** The success response is a file's bytes, of the type stored with it, not JSON. */
  download?: true;
  /** The success response is text of this media type, not JSON. */
  text?: string;
  /** The audit log entry a successful call writes (admin and security actions). */
  audit?: RouteAudit;
}

/**
 * What a route's audit entry acted on: its `{id}` (path), the object its answer created (response:
 * the answer's `id`, or its `agent.id`), the caller itself, or settings that have no id (none).
 */
export interface RouteAudit {
  action: AuditAction;
  target: { type: 'agent' | 'api_key' | 'webhook' | 'identity_secret' | 'widget_settings' | 'settings' | 'visitor' | 'team'; from: 'path' | 'response' | 'caller' | 'none' };
}

const idParams = z.object({ id: z.uuid() });

export const REST_ROUTES = [
  { method: 'get', path: '/setup', summary: 'Whether the first admin still has to be created', tag: 'agents', callers: ['public'], status: 200, response: SetupStatusSchema },
  { method: 'post', path: '/setup', summary: 'Create the first admin (only while no agent exists)', tag: 'agents', callers: ['public'], body: SetupRequestSchema, status: 201, response: AuthResponseSchema, errors: [ErrorCode.SetupAlreadyDone, ErrorCode.RateLimited], audit: { action: 'setup.completed', target: { type: 'agent', from: 'response' } } },
  { method: 'post', path: '/auth/login', summary: 'Agent login with email and password', tag: 'agents', callers: ['public'], body: LoginRequestSchema, status: 200, response: AuthResponseSchema, errors: [ErrorCode.InvalidCredentials, ErrorCode.RateLimited] },
  { method: 'post', path: '/auth/logout', summary: 'End the session of this token (sign out); its sockets close', tag: 'agents', callers: ['agent'], status: 204 },
  { method: 'post', path: '/auth/logout-everywhere', summary: "End every session of the signed-in agent (all devices); their sockets close", tag: 'agents', callers: ['agent'], status: 204, audit: { action: 'agent.signed_out_everywhere', target: { type: 'agent', from: 'caller' } } },
  { method: 'post', path: '/auth/password', summary: "Change the signed-in agent's password (current and new); the agent's other sessions end, this one stays", tag: 'agents', callers: ['agent'], body: ChangePasswordRequestSchema, status: 204, errors: [ErrorCode.WrongPassword, ErrorCode.RateLimited], audit: { action: 'agent.password_changed', target: { type: 'agent', from: 'caller' } } },
  { method: 'get', path: '/agents/me', summary: 'The signed-in agent', tag: 'agents', callers: ['agent'], status: 200, response: AgentSchema },
  { method: 'get', path: '/agents', summary: 'List agents', tag: 'agents', callers: ['agent', 'apiKey'], scope: 'agents:read', status: 200, response: z.array(AgentSchema) },
  { method: 'post', path: '/agents', summary: 'Create an agent (admin)', tag: 'agents', callers: ['admin'], body: CreateAgentRequestSchema, status: 201, response: AgentSchema, errors: [ErrorCode.EmailTaken], audit: { action: 'agent.created', target: { type: 'agent', from: 'response' } } },
  { method: 'patch', path: '/agents/me', summary: "Set the signed-in agent's presence (online or away)", tag: 'agents', callers: ['agent'], body: UpdatePresenceRequestSchema, status: 200, response: AgentSchema },
  { method: 'patch', path: '/agents/{id}', summary: 'Rename, change the role of, deactivate or reactivate an agent (admin)', tag: 'agents', callers: ['admin'], params: idParams, body: UpdateAgentRequestSchema, status: 200, response: AgentSchema, errors: [ErrorCode.AgentNotFound], audit: { action: 'agent.updated', target: { type: 'agent', from: 'path' } } },
  { method: 'post', path: '/agents/{id}/password', summary: "Set a new password for an agent (admin); every session of that agent ends", tag: 'agents', callers: ['admin'], params: idParams, body: ResetPasswordRequestSchema, status: 204, errors: [ErrorCode.AgentNotFound], audit: { action: 'agent.password_reset', target: { type: 'agent', from: 'path' } } },
  { method: 'get', path: '/widget/settings', summary: 'What the widget shows: title, greeting lines, colour (public)', tag: 'widget', callers: ['public'], status: 200, response: PublicWidgetSettingsSchema },
  { method: 'get', path: '/widget/settings/admin', summary: 'The widget settings with the sites allowed to embed it (admin)', tag: 'widget', callers: ['admin'], status: 200, response: WidgetSettingsSchema },
  { method: 'put', path: '/widget/settings', summary: 'Change the widget settings and the sites allowed to embed it (admin)', tag: 'widget', callers: ['admin'], body: UpdateWidgetSettingsRequestSchema, status: 200, response: WidgetSettingsSchema, audit: { action: 'widget_settings.updated', target: { type: 'widget_settings', from: 'none' } } },
  { method: 'get', path: '/widget/availability', summary: 'Whether the site is open now (within its opening hours and an agent online), why, when it opens next, and what the widget does meanwhile (public)', tag: 'widget', callers: ['public'], status: 200, response: AvailabilitySchema },
  { method: 'get', path: '/widget/availability/settings', summary: 'Opening hours: time zone, weekly ranges, closed dates, what the widget does when closed, the closed message (admin)', tag: 'widget', callers: ['admin'], status: 200, response: AvailabilitySettingsSchema },
  { method: 'put', path: '/widget/availability/settings', summary: 'Change the opening hours (admin); a bad field is named in `errors[]`', tag: 'widget', callers: ['admin'], body: UpdateAvailabilitySettingsRequestSchema, status: 200, response: AvailabilitySettingsSchema, audit: { action: 'availability.updated', target: { type: 'widget_settings', from: 'none' } } },
  { method: 'post', path: '/widget/identity-secrets', summary: "Generate an identity secret (admin), shown once; the newest two stay valid, so a site's backend can move to the new one", tag: 'widget', callers: ['admin'], status: 201, response: CreatedIdentitySecretSchema, audit: { action: 'identity_secret.created', target: { type: 'identity_secret', from: 'response' } } },
  { method: 'delete', path: '/widget/identity-secrets/{id}', summary: 'Revoke an identity secret (admin): tokens signed with it are refused from now on', tag: 'widget', callers: ['admin'], params: idParams, status: 204, errors: [ErrorCode.NotFound], audit: { action: 'identity_secret.deleted', target: { type: 'identity_secret', from: 'path' } } },
  { method: 'post', path: '/visitors/session', summary: 'Start a visitor session from the pre-chat form; returns the visitor token', tag: 'visitors', callers: ['public'], body: VisitorSessionRequestSchema, status: 201, response: VisitorSessionResponseSchema, errors: [ErrorCode.RateLimited, ErrorCode.IdentityRequired] },
  { method: 'post', path: '/visitors/identify', summary: "Exchange an identity token signed by the site's backend (JWT HS256: sub, name?, email?, iat, exp within 24 h) for a visitor token: the same visitor, with its conversations, on every device", tag: 'visitors', callers: ['public'], body: IdentifyRequestSchema, status: 200, response: VisitorSessionResponseSchema, errors: [ErrorCode.IdentityTokenExpired, ErrorCode.IdentityTokenInvalid, ErrorCode.IdentityClaimsInvalid, ErrorCode.IdentityNotConfigured, ErrorCode.RateLimited] },
  { method: 'get', path: '/visitors/me', summary: 'The visitor of the token', tag: 'visitors', callers: ['visitor'], status: 200, response: VisitorSchema, errors: [ErrorCode.NotFound] },
  { method: 'post', path: '/threads', summary: "Start the visitor's thread, or return the open one (200)", tag: 'threads', callers: ['visitor'], body: StartThreadRequestSchema, status: 201, response: ThreadSchema },
  { method: 'get', path: '/threads', summary: 'List threads (a visitor sees only its own), cursor-paginated', tag: 'threads', callers: ['agent', 'apiKey', 'visitor'], scope: 'threads:read', query: ListThreadsQuerySchema, status: 200, response: ThreadPageSchema },
  { method: 'get', path: '/threads/{id}', summary: 'Read a thread', tag: 'threads', callers: ['agent', 'apiKey', 'visitor'], scope: 'threads:read', params: idParams, status: 200, response: ThreadSchema, errors: [ErrorCode.ThreadNotFound] },
  { method: 'get', path: '/threads/{id}/visitor-context', summary: "Where the thread's visitor is: pages of this visit, browser and OS, time zone, whether on the site now (agents only; the IP address only when `showVisitorIp` is on)", tag: 'threads', callers: ['agent'], params: idParams, status: 200, response: VisitorContextSchema, errors: [ErrorCode.ThreadNotFound] },
  { method: 'get', path: '/threads/{id}/messages', summary: 'Messages after a seq, in seq order', tag: 'threads', callers: ['agent', 'apiKey', 'visitor'], scope: 'threads:read', params: idParams, query: ListMessagesQuerySchema, status: 200, response: MessagePageSchema, errors: [ErrorCode.ThreadNotFound] },
  { method: 'post', path: '/threads/{id}/messages', summary: 'Post a message; a repeated clientMsgId returns the stored one (200)', tag: 'threads', callers: ['agent', 'apiKey', 'visitor'], scope: 'messages:write', params: idParams, body: PostMessageRequestSchema, status: 201, response: MessageSchema, errors: [ErrorCode.ThreadNotFound, ErrorCode.ThreadClosed, ErrorCode.AttachmentNotFound] },
  { method: 'post', path: '/threads/{id}/uploads', summary: "Upload a file (multipart, field `file`) to attach to a message of this thread; its type is read from its bytes", tag: 'files', callers: ['agent', 'apiKey', 'visitor'], scope: 'messages:write', params: idParams, upload: UPLOAD_FILE_FIELD, status: 201, response: UploadSchema, errors: [ErrorCode.ThreadNotFound, ErrorCode.ThreadClosed, ErrorCode.Forbidden, ErrorCode.PayloadTooLarge, ErrorCode.UnsupportedMediaType, ErrorCode.RateLimited] },
  { method: 'get', path: '/attachments/{id}', summary: "Download a message's file (read access to its thread); images inline, anything else as a download", tag: 'files', callers: ['agent', 'apiKey', 'visitor'], scope: 'threads:read', params: idParams, status: 200, download: true, errors: [ErrorCode.AttachmentNotFound] },
  { method: 'post', path: '/threads/{id}/claim', summary: 'The signed-in agent claims a queued thread', tag: 'threads', callers: ['agent'], params: idParams, status: 200, response: ThreadSchema, errors: [ErrorCode.ThreadNotFound, ErrorCode.ThreadClosed, ErrorCode.ThreadAlreadyClaimed, ErrorCode.AgentAtCapacity] },
  { method: 'post', path: '/threads/{id}/assign', summary: "Assign an open thread to an agent (within the agent's maxConcurrent unless an admin forces)", tag: 'threads', callers: ['agent', 'apiKey'], scope: 'threads:write', params: idParams, body: AssignThreadRequestSchema, status: 200, response: ThreadSchema, errors: [ErrorCode.Forbidden, ErrorCode.ThreadNotFound, ErrorCode.ThreadClosed, ErrorCode.AgentNotFound, ErrorCode.AgentAtCapacity] },
  { method: 'post', path: '/threads/{id}/transfer', summary: "Transfer an open thread to an agent (online, with a free slot, in the thread's team; admins may force) or to a team's queue (teamId, null: the default queue); the note is for agents only (admins; the assignee for its own threads)", tag: 'threads', callers: ['agent', 'apiKey'], scope: 'threads:write', params: idParams, body: TransferThreadRequestSchema, status: 200, response: ThreadSchema, errors: [ErrorCode.Forbidden, ErrorCode.ThreadNotFound, ErrorCode.ThreadClosed, ErrorCode.AgentNotFound, ErrorCode.AgentAtCapacity, ErrorCode.AgentUnavailable, ErrorCode.TeamNotFound, ErrorCode.NotTeamMember] },
  { method: 'get', path: '/teams', summary: 'List the teams with their routing mode and members, by name', tag: 'teams', callers: ['agent', 'apiKey'], scope: 'agents:read', status: 200, response: z.array(TeamSchema) },
  { method: 'post', path: '/teams', summary: 'Create a team (admin); names are unique, compared case-insensitively', tag: 'teams', callers: ['admin'], body: CreateTeamRequestSchema, status: 201, response: TeamSchema, errors: [ErrorCode.TeamNameTaken], audit: { action: 'team.created', target: { type: 'team', from: 'response' } } },
  { method: 'patch', path: '/teams/{id}', summary: "Rename a team or change its routing mode (admin)", tag: 'teams', callers: ['admin'], params: idParams, body: UpdateTeamRequestSchema, status: 200, response: TeamSchema, errors: [ErrorCode.TeamNotFound, ErrorCode.TeamNameTaken], audit: { action: 'team.updated', target: { type: 'team', from: 'path' } } },
  { method: 'delete', path: '/teams/{id}', summary: "Delete a team (admin); its conversations move to the default queue", tag: 'teams', callers: ['admin'], params: idParams, status: 204, errors: [ErrorCode.TeamNotFound], audit: { action: 'team.deleted', target: { type: 'team', from: 'path' } } },
  { method: 'put', path: '/teams/{id}/members/{agentId}', summary: 'Put an agent in a team (admin); a member already changes nothing', tag: 'teams', callers: ['admin'], params: TeamMemberParamsSchema, status: 200, response: TeamSchema, errors: [ErrorCode.TeamNotFound, ErrorCode.AgentNotFound], audit: { action: 'team.member_added', target: { type: 'team', from: 'path' } } },
  { method: 'delete', path: '/teams/{id}/members/{agentId}', summary: 'Take an agent out of a team (admin)', tag: 'teams', callers: ['admin'], params: TeamMemberParamsSchema, status: 200, response: TeamSchema, errors: [ErrorCode.TeamNotFound, ErrorCode.AgentNotFound], audit: { action: 'team.member_removed', target: { type: 'team', from: 'path' } } },
  { method: 'get', path: '/routing-settings', summary: 'The routing mode of the default queue, the unanswered-assignment timeout and the widget team (agents)', tag: 'teams', callers: ['agent'], status: 200, response: RoutingSettingsSchema },
  { method: 'put', path: '/routing-settings', summary: 'Change the routing settings (admin)', tag: 'teams', callers: ['admin'], body: UpdateRoutingSettingsRequestSchema, status: 200, response: RoutingSettingsSchema, errors: [ErrorCode.TeamNotFound], audit: { action: 'routing_settings.updated', target: { type: 'settings', from: 'none' } } },
  { method: 'post', path: '/threads/{id}/close', summary: 'Close a thread; who closed it comes from the credentials', tag: 'threads', callers: ['agent', 'apiKey', 'visitor'], scope: 'threads:write', params: idParams, status: 200, response: ThreadSchema, errors: [ErrorCode.Forbidden, ErrorCode.ThreadNotFound] },
  { method: 'put', path: '/threads/{id}/tags/{tagId}', summary: 'Put a tag on a thread (agents; integrators); a tag it has already changes nothing', tag: 'tags', callers: ['agent', 'apiKey'], scope: 'threads:write', params: ThreadTagParamsSchema, status: 200, response: ThreadSchema, errors: [ErrorCode.ThreadNotFound, ErrorCode.TagNotFound] },
  { method: 'delete', path: '/threads/{id}/tags/{tagId}', summary: 'Take a tag off a thread (agents; integrators); a tag it does not have changes nothing', tag: 'tags', callers: ['agent', 'apiKey'], scope: 'threads:write', params: ThreadTagParamsSchema, status: 200, response: ThreadSchema, errors: [ErrorCode.ThreadNotFound, ErrorCode.TagNotFound] },
  // Private notes: a visitor token is answered as if the thread did not exist (it never learns notes exist).
  { method: 'get', path: '/threads/{id}/notes', summary: "The thread's private notes after a noteSeq, in order (agents; integrators); visitors get THREAD_NOT_FOUND", tag: 'notes', callers: ['agent', 'apiKey', 'visitor'], scope: 'threads:read', params: idParams, query: ListNotesQuerySchema, status: 200, response: NotePageSchema, errors: [ErrorCode.ThreadNotFound] },
  { method: 'post', path: '/threads/{id}/notes', summary: 'Write a private note in a thread (agents; integrators), never sent to its visitor; 201, or 200 with the stored note for a repeated clientNoteId; `@Name` of an active agent mentions it; visitors get THREAD_NOT_FOUND', tag: 'notes', callers: ['agent', 'apiKey', 'visitor'], scope: 'threads:write', params: idParams, body: PostNoteRequestSchema, status: 201, response: NoteSchema, errors: [ErrorCode.ThreadNotFound] },
  { method: 'get', path: '/mentions', summary: "The notes that mention the signed-in agent: unread first, then newest first", tag: 'notes', callers: ['agent'], query: ListMentionsQuerySchema, status: 200, response: z.array(MentionSchema) },
  { method: 'post', path: '/mentions/{id}/read', summary: 'Mark a mention of the signed-in agent read (the id is the note\'s); marking it again changes nothing', tag: 'notes', callers: ['agent'], params: idParams, status: 200, response: MentionSchema, errors: [ErrorCode.MentionNotFound] },
  { method: 'get', path: '/tags', summary: 'List the tags, by name', tag: 'tags', callers: ['agent', 'apiKey'], scope: 'threads:read', status: 200, response: z.array(TagSchema) },
  { method: 'post', path: '/tags', summary: 'Add a tag (admin); names are unique, compared case-insensitively', tag: 'tags', callers: ['admin'], body: CreateTagRequestSchema, status: 201, response: TagSchema, errors: [ErrorCode.TagNameTaken] },
  { method: 'patch', path: '/tags/{id}', summary: 'Rename a tag or change its colour (admin)', tag: 'tags', callers: ['admin'], params: idParams, body: UpdateTagRequestSchema, status: 200, response: TagSchema, errors: [ErrorCode.TagNotFound, ErrorCode.TagNameTaken] },
  { method: 'delete', path: '/tags/{id}', summary: 'Delete a tag (admin); it comes off every thread', tag: 'tags', callers: ['admin'], params: idParams, status: 204, errors: [ErrorCode.TagNotFound] },
  { method: 'post', path: '/threads/{id}/rating', summary: "The visitor rates its closed thread (1-5, optional comment), credited to the agent assigned at close; 201 the first time, 200 when changed within 24 h of the first rating", tag: 'threads', callers: ['visitor'], params: idParams, body: RateThreadRequestSchema, status: 201, response: ThreadSchema, errors: [ErrorCode.ThreadNotFound, ErrorCode.ThreadNotClosed, ErrorCode.RatingLocked] },
  { method: 'get', path: '/reports', summary: 'Figures for the conversations started in a range of days in a time zone, overall and per agent: waits, first response, resolution, messages, CSAT, busiest hours', tag: 'reports', callers: ['admin', 'apiKey'], scope: 'reports:read', query: ReportQuerySchema, status: 200, response: ReportSchema },
  { method: 'get', path: '/reports/threads.csv', summary: 'One CSV row per conversation started in the range (streamed; times in the time zone)', tag: 'reports', callers: ['admin', 'apiKey'], scope: 'reports:read', query: ReportQuerySchema, status: 200, text: 'text/csv; charset=utf-8' },
  { method: 'get', path: '/api-keys', summary: 'List API keys (admin)', tag: 'integrations', callers: ['admin'], status: 200, response: z.array(ApiKeySchema) },
  { method: 'post', path: '/api-keys', summary: 'Create an API key (admin); the key is shown once', tag: 'integrations', callers: ['admin'], body: CreateApiKeyRequestSchema, status: 201, response: CreatedApiKeySchema, audit: { action: 'api_key.created', target: { type: 'api_key', from: 'response' } } },
  { method: 'delete', path: '/api-keys/{id}', summary: 'Revoke an API key (admin)', tag: 'integrations', callers: ['admin'], params: idParams, status: 200, response: ApiKeySchema, errors: [ErrorCode.ApiKeyNotFound], audit: { action: 'api_key.revoked', target: { type: 'api_key', from: 'path' } } },
  { method: 'post', path: '/api-keys/{id}/rotate', summary: 'Give an API key a new secret (admin): same id, name and scopes; the old secret stops working at once; the key is shown once', tag: 'integrations', callers: ['admin'], params: idParams, status: 200, response: CreatedApiKeySchema, errors: [ErrorCode.ApiKeyNotFound], audit: { action: 'api_key.rotated', target: { type: 'api_key', from: 'path' } } },
  { method: 'get', path: '/webhooks', summary: 'List webhook endpoints', tag: 'webhooks', callers: ['admin', 'apiKey'], scope: 'webhooks:manage', status: 200, response: z.array(WebhookSchema) },
  { method: 'post', path: '/webhooks', summary: 'Add a webhook endpoint (at most 10); its signing secret is shown once', tag: 'webhooks', callers: ['admin', 'apiKey'], scope: 'webhooks:manage', body: CreateWebhookRequestSchema, status: 201, response: CreatedWebhookSchema, errors: [ErrorCode.WebhookUrlNotAllowed, ErrorCode.WebhookLimitReached], audit: { action: 'webhook.created', target: { type: 'webhook', from: 'response' } } },
  { method: 'get', path: '/webhooks/{id}', summary: 'Read a webhook endpoint', tag: 'webhooks', callers: ['admin', 'apiKey'], scope: 'webhooks:manage', params: idParams, status: 200, response: WebhookSchema, errors: [ErrorCode.WebhookNotFound] },
  { method: 'patch', path: '/webhooks/{id}', summary: 'Change the URL, events or description of a webhook endpoint, or turn it off or on', tag: 'webhooks', callers: ['admin', 'apiKey'], scope: 'webhooks:manage', params: idParams, body: UpdateWebhookRequestSchema, status: 200, response: WebhookSchema, errors: [ErrorCode.WebhookNotFound, ErrorCode.WebhookUrlNotAllowed], audit: { action: 'webhook.updated', target: { type: 'webhook', from: 'path' } } },
  { method: 'delete', path: '/webhooks/{id}', summary: 'Delete a webhook endpoint and its delivery log', tag: 'webhooks', callers: ['admin', 'apiKey'], scope: 'webhooks:manage', params: idParams, status: 200, response: WebhookSchema, errors: [ErrorCode.WebhookNotFound], audit: { action: 'webhook.deleted', target: { type: 'webhook', from: 'path' } } },
  { method: 'post', path: '/webhooks/{id}/rotate-secret', summary: 'A new signing secret (shown once); the old one keeps signing beside it for 24 h', tag: 'webhooks', callers: ['admin', 'apiKey'], scope: 'webhooks:manage', params: idParams, status: 200, response: CreatedWebhookSchema, errors: [ErrorCode.WebhookNotFound], audit: { action: 'webhook.secret_rotated', target: { type: 'webhook', from: 'path' } } },
  { method: 'get', path: '/webhooks/{id}/deliveries', summary: "The endpoint's delivery log, newest first", tag: 'webhooks', callers: ['admin', 'apiKey'], scope: 'webhooks:manage', params: idParams, query: ListWebhookDeliveriesQuerySchema, status: 200, response: WebhookDeliveryPageSchema, errors: [ErrorCode.WebhookNotFound] },
  { method: 'post', path: '/webhooks/{id}/deliveries/{deliveryId}/redeliver', summary: 'Send the event of a delivery again, as a new delivery', tag: 'webhooks', callers: ['admin', 'apiKey'], scope: 'webhooks:manage', params: WebhookDeliveryParamsSchema, status: 202, response: WebhookDeliverySchema, errors: [ErrorCode.WebhookNotFound, ErrorCode.WebhookDeliveryNotFound] },
  { method: 'post', path: '/webhooks/{id}/test', summary: 'Send a `webhook.test` event to this endpoint now', tag: 'webhooks', callers: ['admin', 'apiKey'], scope: 'webhooks:manage', params: idParams, status: 202, response: WebhookDeliverySchema, errors: [ErrorCode.WebhookNotFound] },
  { method: 'get', path: '/audit-events', summary: 'The audit log of admin and security actions, newest first, filtered, cursor-paginated', tag: 'audit', callers: ['admin', 'apiKey'], scope: 'audit:read', query: ListAuditEventsQuerySchema, status: 200, response: AuditEventPageSchema },
  { method: 'get', path: '/privacy/visitors', summary: 'Find the visitors who gave an email address (compared whole, case-insensitively; an unverified address may be shared by several)', tag: 'privacy', callers: ['admin', 'apiKey'], scope: 'privacy:manage', query: FindVisitorsQuerySchema, status: 200, response: z.array(PrivacyVisitorSchema) },
  { method: 'get', path: '/privacy/visitors/{id}/export', summary: 'Everything stored about one visitor as JSON (streamed): the visitor, their conversations and messages, files as metadata', tag: 'privacy', callers: ['admin', 'apiKey'], scope: 'privacy:manage', params: idParams, status: 200, response: PrivacyExportSchema, errors: [ErrorCode.VisitorNotFound], audit: { action: 'privacy.exported', target: { type: 'visitor', from: 'path' } } },
  { method: 'post', path: '/privacy/visitors/{id}/erase', summary: "Erase a visitor: name and email removed, their messages' text replaced by a marker (seqs kept), files deleted, tokens dead at once, open conversations closed with a note", tag: 'privacy', callers: ['admin', 'apiKey'], scope: 'privacy:manage', params: idParams, status: 200, response: ErasureSchema, errors: [ErrorCode.VisitorNotFound], audit: { action: 'privacy.erased', target: { type: 'visitor', from: 'path' } } },
  { method: 'get', path: '/settings/retention', summary: 'How long closed conversations are kept, and what the last nightly deletion did (admin)', tag: 'audit', callers: ['admin'], status: 200, response: RetentionSettingsSchema },
  { method: 'put', path: '/settings/retention', summary: 'Keep closed conversations for ever (null) or delete them, with their messages and files, this many days after they closed (at least 30; admin)', tag: 'audit', callers: ['admin'], body: UpdateRetentionSettingsRequestSchema, status: 200, response: RetentionSettingsSchema, audit: { action: 'retention.updated', target: { type: 'settings', from: 'none' } } },
  { method: 'get', path: '/settings/email', summary: 'Email (admin): whether mail is on and why not, the transcript-on-close setting, the newest mails of the outbox with their delivery status and retries', tag: 'email', callers: ['admin'], status: 200, response: EmailOverviewSchema },
  { method: 'put', path: '/settings/email', summary: 'Email settings (admin): send the visitor the transcript when a conversation closes', tag: 'email', callers: ['admin'], body: UpdateEmailSettingsRequestSchema, status: 200, response: EmailOverviewSchema, audit: { action: 'email_settings.updated', target: { type: 'settings', from: 'none' } } },
  { method: 'post', path: '/threads/{id}/transcript', summary: "The visitor asks for its conversation's transcript by email (a few per thread); to an address not confirmed yet, a confirmation link goes instead", tag: 'email', callers: ['visitor'], params: idParams, status: 202, response: TranscriptRequestedSchema, errors: [ErrorCode.ThreadNotFound, ErrorCode.EmailDisabled, ErrorCode.EmailMissing, ErrorCode.RateLimited] },
  { method: 'post', path: '/visitors/email/confirm', summary: "Confirm a visitor's email address with the link's token from the confirmation mail (single use, expiring)", tag: 'email', callers: ['public'], body: EmailLinkRequestSchema, status: 200, response: EmailConfirmedSchema, errors: [ErrorCode.LinkInvalid, ErrorCode.RateLimited] },
  { method: 'post', path: '/visitors/resume', summary: "Redeem a resume link from a follow-up mail (single use, expiring) for a fresh token of the same visitor, to reopen the conversation in the widget", tag: 'email', callers: ['public'], body: EmailLinkRequestSchema, status: 200, response: VisitorSessionResponseSchema, errors: [ErrorCode.LinkInvalid, ErrorCode.RateLimited] },
  // Canned responses are the console's typing aid, for agents only: an integrator writes its own text.
  { method: 'get', path: '/canned-responses', summary: "The canned responses the signed-in agent may use: its personal ones and the shared ones", tag: 'canned-responses', callers: ['agent'], query: ListCannedResponsesQuerySchema, status: 200, response: z.array(CannedResponseSchema) },
  { method: 'post', path: '/canned-responses', summary: 'Save a canned response: personal (any agent, seen only by its owner) or shared (admins)', tag: 'canned-responses', callers: ['agent'], body: CreateCannedResponseRequestSchema, status: 201, response: CannedResponseSchema, errors: [ErrorCode.Forbidden, ErrorCode.ShortcutTaken] },
  { method: 'get', path: '/canned-responses/{id}', summary: "Read a canned response (one's own personal ones and the shared ones)", tag: 'canned-responses', callers: ['agent'], params: idParams, status: 200, response: CannedResponseSchema, errors: [ErrorCode.CannedResponseNotFound] },
  { method: 'patch', path: '/canned-responses/{id}', summary: "Change a canned response's shortcut, title or body (one's own personal ones; shared ones: admins)", tag: 'canned-responses', callers: ['agent'], params: idParams, body: UpdateCannedResponseRequestSchema, status: 200, response: CannedResponseSchema, errors: [ErrorCode.CannedResponseNotFound, ErrorCode.Forbidden, ErrorCode.ShortcutTaken] },
  { method: 'delete', path: '/canned-responses/{id}', summary: 'Delete a canned response (one\'s own personal ones; shared ones: admins)', tag: 'canned-responses', callers: ['agent'], params: idParams, status: 200, response: CannedResponseSchema, errors: [ErrorCode.CannedResponseNotFound, ErrorCode.Forbidden] },
  // The old system's two HTTP calls, at their old paths (docs/legacy-protocol.md); the caller comes from the token.
  { method: 'post', base: '', path: '/close_chat_thread/{id}/', summary: "Legacy: close a thread the old pages' way; `support_agent_id` may only name the caller", tag: 'legacy', callers: ['agent', 'visitor'], params: idParams, body: LegacyCloseRequestSchema, status: 200, response: LegacyCloseResponseSchema, errors: [ErrorCode.Forbidden, ErrorCode.ThreadNotFound] },
  { method: 'post', base: '', path: '/save_message/', summary: 'Legacy: accepted and not stored again (Parley stores every message when it is sent)', tag: 'legacy', callers: ['agent', 'visitor'], body: LegacySaveMessageRequestSchema, status: 200, response: LegacySaveMessageResponseSchema },
  { method: 'get', base: '/api', path: '/health/live', summary: 'Liveness', tag: 'health', callers: ['public'], status: 200, response: HealthSchema },
  { method: 'get', base: '', path: '/metrics', summary: 'Prometheus metrics in the text exposition format; needs `METRICS_TOKEN` as a bearer token (off while it is not set: 404), or is served without a token on its own port (`METRICS_PORT`)', tag: 'health', callers: ['public'], status: 200, text: 'text/plain; version=0.0.4', errors: [ErrorCode.Unauthenticated, ErrorCode.NotFound] },
  { method: 'get', base: '/api', path: '/health/ready', summary: 'Readiness: database (and Redis when configured) reachable', tag: 'health', callers: ['public'], status: 200, response: HealthSchema, alsoAnswers: [503] },
] as const satisfies readonly RestRoute[];

type AnyRoute = (typeof REST_ROUTES)[number];
type KeyOf<R extends RestRoute> = `${R['method']} ${R['path']}`;
type ByKey = { [R in AnyRoute as KeyOf<R>]: R };
type SchemaOf<R, F extends 'params' | 'query' | 'body' | 'response'> = R extends { [P in F]: infer S extends z.ZodType } ? S : never;

/** A route's name, as the server's `@ApiRoute(...)` and the clients write it: `post /threads/{id}/claim`. */
export type RestRouteKey = keyof ByKey;
export type RestRouteOf<K extends RestRouteKey> = ByKey[K];

/** The path parameters of a route, as strings (they travel in the URL); `never` when it has none. */
export type RouteParams<K extends RestRouteKey> = z.input<SchemaOf<ByKey[K], 'params'>>;
/**
 * What a caller may put in a route's query: any of the parsed fields, since the server fills in the
 * defaults and coerces the strings (so zod's input type, `unknown` for coerced numbers, says too little).
 */
export type RouteQuery<K extends RestRouteKey> = { [F in keyof z.output<SchemaOf<ByKey[K], 'query'>>]?: z.output<SchemaOf<ByKey[K], 'query'>>[F] | undefined };
/** The JSON body a route takes, before the server applies defaults; `never` when it takes none. */
export type RouteBody<K extends RestRouteKey> = z.input<SchemaOf<ByKey[K], 'body'>>;
/** The JSON a route answers on success. */
export type RouteResponse<K extends RestRouteKey> = z.output<SchemaOf<ByKey[K], 'response'>>;
/** The codes a route documents beyond the common ones. */
export type RouteErrors<K extends RestRouteKey> = ByKey[K] extends { errors: readonly (infer C)[] } ? C : never;

/**
 * The arguments of a call besides the key: `params` and `body` are required where the route has
 * them and absent where it has none, `query` is optional.
 */
export type RouteArgs<K extends RestRouteKey> = (ByKey[K] extends { params: z.ZodType } ? { params: RouteParams<K> } : { params?: never }) &
  (ByKey[K] extends { query: z.ZodType } ? { query?: RouteQuery<K> } : { query?: never }) &
  // An empty object still fits a route without a body: some clients send `{}` so that every POST carries JSON.
  (ByKey[K] extends { body: z.ZodType } ? { body: RouteBody<K> } : { body?: Record<string, never> });

/** Keys of the routes that one of the callers `C` may call. */
export type RestRouteKeyFor<C extends Caller> = { [K in RestRouteKey]: C extends ByKey[K]['callers'][number] ? K : never }[RestRouteKey];

/** Keys of the routes with nothing to pass, which a client may call with the key alone. */
export type RestRouteKeyWithoutArgs = { [K in RestRouteKey]: ByKey[K] extends { params: z.ZodType } | { body: z.ZodType } ? never : K }[RestRouteKey];

/** Fails to compile when a route an API key may call names no scope: the guard would refuse every key there. */
type UnscopedApiKeyRoutes = { [K in RestRouteKey]: 'apiKey' extends ByKey[K]['callers'][number] ? (ByKey[K] extends { scope: ApiKeyScope } ? never : K) : never }[RestRouteKey];
const _apiKeyRoutesScoped: [UnscopedApiKeyRoutes] extends [never] ? true : UnscopedApiKeyRoutes = true;

/** Fails to compile when the zod-free {@link REST_ROUTE_BASES} and the table disagree about a base. */
type BasesOfTable = { [K in RestRouteKey as ByKey[K] extends { base: string } ? K : never]: ByKey[K] extends { base: infer B } ? B : never };
const _basesMatch: [BasesOfTable, typeof REST_ROUTE_BASES] extends [typeof REST_ROUTE_BASES, BasesOfTable] ? true : never = true;

/** The key of a route object of the table. */
export function restRouteKey(route: Pick<RestRoute, 'method' | 'path'>): RestRouteKey {
  return `${route.method} ${route.path}` as RestRouteKey;
}

/** The table seen as plain routes, for code that walks all of them and reads fields only some set. */
export const REST_ROUTE_LIST: readonly RestRoute[] = REST_ROUTES;

/** The route of a key; throws on a key the table lacks (a key built at run time). */
export function restRoute<K extends RestRouteKey>(key: K): RestRouteOf<K> {
  const route = REST_ROUTE_LIST.find((r) => restRouteKey(r) === key);
  if (!route) throw new Error(`No route "${key}" in the contracts' REST_ROUTES`);
  return route as RestRouteOf<K>;
}
