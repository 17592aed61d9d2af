/**
 * The names and codes clients need at run time, as plain values with no zod: a browser bundle
 * that imports only these (the widget, the console) leaves the schemas and zod out, since the
 * package declares itself free of side effects. The rest of the contracts re-export them.
 */

export const API_PREFIX = '/api/v1';

/** Events a client emits. The one place their names are written. */
export const ClientEvent = {
  ThreadStart: 'thread.start',
  ThreadJoin: 'thread.join',
  ThreadLeave: 'thread.leave',
  ThreadClaim: 'thread.claim',
  ThreadClose: 'thread.close',
  MessageSend: 'message.send',
  MessagesSync: 'messages.sync',
  Typing: 'typing.set',
  /** The visitor's widget says which page of the site the visitor is on (and the visitor's time zone). */
  VisitorPage: 'visitor.page',
  /** Agents and their consoles: a private note in a thread (never sent to the visitor). */
  NoteSend: 'note.send',
  /** The thread's notes after a noteSeq (fills gaps after a reconnect). */
  NotesSync: 'notes.sync',
  /** Read receipts: the sender has read the thread up to `seq`. */
  ThreadRead: 'thread.read',
} as const;
export type ClientEventName = (typeof ClientEvent)[keyof typeof ClientEvent];

/** Events the server emits. */
export const ServerEvent = {
  MessageCreated: 'message.created',
  ThreadCreated: 'thread.created',
  ThreadUpdated: 'thread.updated',
  Typing: 'typing.updated',
  AgentUpdated: 'agent.updated',
  WebhookDisabled: 'webhook.disabled',
  /** To agents: a visitor's context changed (a page, arrived, left). */
  VisitorContext: 'visitor.context',
  /** To the agents following a thread (never its visitor): a private note was stored. */
  NoteCreated: 'note.created',
  /** To one agent: a note mentions it. */
  MentionCreated: 'mention.created',
  /** To widget sockets: the site opened or closed (opening hours, agents online). */
  AvailabilityUpdated: 'availability.updated',
  /** To a waiting visitor's thread room: its place in the queue and an estimate of the wait. */
  QueuePosition: 'queue.position',
  /** Read receipts: one side read a thread up to a seq (to the other side and the reader's other devices). */
  ThreadRead: 'thread.read',
} as const;
export type ServerEventName = (typeof ServerEvent)[keyof typeof ServerEvent];

/** Stable error codes: REST problem documents and socket error acks both carry one. */
export const ErrorCode = {
  ValidationFailed: 'VALIDATION_FAILED',
  InvalidJson: 'INVALID_JSON',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  Unauthenticated: 'UNAUTHENTICATED',
  TokenExpired: 'TOKEN_EXPIRED',
  /**
   * The agent of this (validly signed) token has been deactivated. Answered only to the holder of
   * such a token, so it tells nobody else which accounts exist; the login answers
   * INVALID_CREDENTIALS for a deactivated account whatever the password.
   */
  AccountDeactivated: 'ACCOUNT_DEACTIVATED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  ThreadNotFound: 'THREAD_NOT_FOUND',
  /** An upload or attachment that does not exist, or not one this caller may see or attach. */
  AttachmentNotFound: 'ATTACHMENT_NOT_FOUND',
  ThreadClosed: 'THREAD_CLOSED',
  ThreadAlreadyClaimed: 'THREAD_ALREADY_CLAIMED',
  AgentNotFound: 'AGENT_NOT_FOUND',
  ApiKeyNotFound: 'API_KEY_NOT_FOUND',
  EmailTaken: 'EMAIL_TAKEN',
  InvalidCredentials: 'INVALID_CREDENTIALS',
  WrongPassword: 'WRONG_PASSWORD',
  SetupAlreadyDone: 'SETUP_ALREADY_DONE',
  RateLimited: 'RATE_LIMITED',
  /** An API key without the scope the route needs; the detail names the scope. */
  InsufficientScope: 'INSUFFICIENT_SCOPE',
  ApiKeyExpired: 'API_KEY_EXPIRED',
  /** The Idempotency-Key was used before, by the same caller, with another request. */
  IdempotencyKeyReused: 'IDEMPOTENCY_KEY_REUSED',
  /** The first request with this Idempotency-Key has not finished yet. */
  IdempotencyRequestInProgress: 'IDEMPOTENCY_REQUEST_IN_PROGRESS',
  OriginNotAllowed: 'ORIGIN_NOT_ALLOWED',
  WebhookNotFound: 'WEBHOOK_NOT_FOUND',
  WebhookDeliveryNotFound: 'WEBHOOK_DELIVERY_NOT_FOUND',
  /** A webhook target that is not allowed: a private, loopback, link-local... address, or plain http in production. */
  WebhookUrlNotAllowed: 'WEBHOOK_URL_NOT_ALLOWED',
  /** The most webhook endpoints one server keeps already exist. */
  WebhookLimitReached: 'WEBHOOK_LIMIT_REACHED',
  /** An identity token (`POST /visitors/identify`) whose `exp` has passed. */
  IdentityTokenExpired: 'IDENTITY_TOKEN_EXPIRED',
  /** An identity token that is not a JWT signed HS256 with one of the site's identity secrets. */
  IdentityTokenInvalid: 'IDENTITY_TOKEN_INVALID',
  /** A validly signed identity token with claims Parley refuses (lifetime over 24 h, `sub` too long, a bad email); the detail names the claim. */
  IdentityClaimsInvalid: 'IDENTITY_CLAIMS_INVALID',
  /** Identity verification is not set up: no identity secret has been generated. */
  IdentityNotConfigured: 'IDENTITY_NOT_CONFIGURED',
  /** The site requires identified visitors: an anonymous visitor session is refused. */
  IdentityRequired: 'IDENTITY_REQUIRED',
  /** No canned response with this id that the caller may see (another agent's personal replies are not revealed). */
  CannedResponseNotFound: 'CANNED_RESPONSE_NOT_FOUND',
  /** The shortcut is already used in the same scope (the agent's personal replies, or the shared ones). */
  ShortcutTaken: 'SHORTCUT_TAKEN',
  /** No tag with that id (`/tags/{id}`, `/threads/{id}/tags/{tagId}`). */
  TagNotFound: 'TAG_NOT_FOUND',
  /** Another tag already has that name (compared case-insensitively). */
  TagNameTaken: 'TAG_NAME_TAKEN',
  /** No mention of the signed-in agent with that id (`POST /mentions/{id}/read`). */
  MentionNotFound: 'MENTION_NOT_FOUND',
  /** A rating for a conversation that is still open: visitors rate once it is closed. */
  ThreadNotClosed: 'THREAD_NOT_CLOSED',
  /** The rating was given more than 24 h ago and can no longer be changed. */
  RatingLocked: 'RATING_LOCKED',
  /** No visitor with that id, or one already erased (a privacy request answers 404 the second time). */
  VisitorNotFound: 'VISITOR_NOT_FOUND',
  /** The agent already works as many conversations as its `maxConcurrent` (admins may force). */
  AgentAtCapacity: 'AGENT_AT_CAPACITY',
  /** The agent is away or offline (admins may force a transfer). */
  AgentUnavailable: 'AGENT_UNAVAILABLE',
  /** No team with that id. */
  TeamNotFound: 'TEAM_NOT_FOUND',
  /** Another team already has that name (compared case-insensitively). */
  TeamNameTaken: 'TEAM_NAME_TAKEN',
  /** The agent is not a member of the thread's (or the named) team. */
  NotTeamMember: 'NOT_TEAM_MEMBER',
  /** Mail is off on this server (no SMTP_URL): nothing can be sent by email. */
  EmailDisabled: 'EMAIL_DISABLED',
  /** The visitor has no email address to send to. */
  EmailMissing: 'EMAIL_MISSING',
  /** A link from a mail that is unknown, used already, expired, or not for this kind of use. */
  LinkInvalid: 'LINK_INVALID',
  Unavailable: 'UNAVAILABLE',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * What an API key may do. Each route an API key may call names the one scope it needs in the
 * route table (`REST_ROUTES`).
 */
export const API_KEY_SCOPES = ['threads:read', 'threads:write', 'messages:write', 'agents:read', 'webhooks:manage', 'reports:read', 'audit:read', 'privacy:manage'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * What a webhook endpoint can subscribe to. `rating.created` is sent when a visitor rates a closed
 * conversation, and again when they change the rating within 24 h (`updated: true`). `note.created`
 * is accepted and never sent: private notes stay inside the console and the API (docs/notes.md).
 */
export const WEBHOOK_EVENT_TYPES = ['thread.created', 'thread.updated', 'message.created', 'rating.created', 'note.created'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** The type of the event `POST /webhooks/{id}/test` sends (to that endpoint only, whatever it subscribes to). */
export const WEBHOOK_TEST_EVENT = 'webhook.test';
/** Most webhook endpoints one server keeps. */
export const WEBHOOK_MAX_ENDPOINTS = 10;

/**
 * What the audit log records: admin and security actions (who, what, when, from where). The route
 * table names the action of each route that performs one (`RestRoute.audit`); the rest are recorded
 * where they happen (a lockout after repeated failed logins, an endpoint the server turned off).
 */
export const AUDIT_ACTIONS = [
  'setup.completed',
  'agent.created',
  'agent.updated',
  'agent.password_reset',
  'agent.password_changed',
  'agent.signed_out_everywhere',
  'login.locked',
  'widget_settings.updated',
  'identity_secret.created',
  'identity_secret.deleted',
  'api_key.created',
  'api_key.revoked',
  'api_key.rotated',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.secret_rotated',
  'webhook.disabled',
  'retention.updated',
  'retention.ran',
  'privacy.exported',
  'privacy.erased',
  'availability.updated',
  'team.created',
  'team.updated',
  'team.deleted',
  'team.member_added',
  'team.member_removed',
  'routing_settings.updated',
  'email_settings.updated',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The request header that makes a POST safe to retry (IETF draft-ietf-httpapi-idempotency-key-header). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Set on a response that is the stored answer to an earlier request with the same Idempotency-Key. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * The routes served outside {@link API_PREFIX}, by key, with their prefix. The route table holds the
 * same (it fails to compile otherwise); this copy lets a browser client build any route's URL
 * without importing the table and so zod.
 */
export const REST_ROUTE_BASES = {
  'get /health/live': '/api',
  'get /health/ready': '/api',
  'post /close_chat_thread/{id}/': '',
  'post /save_message/': '',
  'get /metrics': '',
} as const;

/** Longest range a report covers, in days (both ends included). */
export const REPORT_MAX_DAYS = 366;
/** Longest comment a visitor may leave with a rating. */
export const RATING_COMMENT_MAX = 1000;

/**
 * The languages the widget speaks (BCP 47 language tags): its own texts come in each, and the
 * admin may word the title, greeting and closed message per language. English is the first and
 * the fallback. Arabic is written right to left.
 */
export const WIDGET_LOCALES = ['en', 'de', 'fr', 'es', 'pt', 'hi', 'ar'] as const;
export type WidgetLocale = (typeof WIDGET_LOCALES)[number];
/** Languages written right to left, among {@link WIDGET_LOCALES}. */
export const RTL_LOCALES: readonly WidgetLocale[] = ['ar'];

/** What the admin may word per language (each falls back to the site's default text). */
export type TranslatedText = 'title' | 'greetingLines' | 'closedMessage';

/**
 * The widget's language: the first of the languages asked for (the host page's
 * `ParleySettings.locale`, then the browser's `navigator.languages`) that the widget speaks,
 * matched by its primary subtag (`de-CH` is German); else the site's default language.
 */
export function chooseLocale(wanted: Iterable<string | null | undefined>, fallback?: string | null): WidgetLocale {
  // Kept short: the loader carries this function in its few kilobytes.
  return [...wanted, fallback].map((tag) => String(tag).toLowerCase().split('-')[0]).find((l): l is WidgetLocale => (WIDGET_LOCALES as readonly string[]).includes(l)) ?? 'en';
}

/** `rtl` for a language written right to left. */
export const localeDir = (locale: string): 'rtl' | 'ltr' => (RTL_LOCALES.some((l) => l === locale) ? 'rtl' : 'ltr');

/**
 * The admin's text for a visitor in `locale`: the text set for that language, else the site's
 * default text (in the site's default language).
 */
export function localText<S extends { translations?: Partial<Record<WidgetLocale, Partial<Record<TranslatedText, unknown>>>> }, K extends TranslatedText & keyof S>(
  settings: S,
  locale: WidgetLocale,
  key: K,
): S[K] {
  const own = settings.translations?.[locale]?.[key];
  return (own ?? settings[key]) as S[K];
}


/** Days between two `YYYY-MM-DD` days, both included. */
export function reportDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/**
 * The CSV export's columns, in order (one row per conversation; times in the report's time zone;
 * `tags` are the thread's tag names, `; `-separated, alphabetical).
 */
export const REPORT_CSV_COLUMNS = [
  'thread_id',
  'created_at',
  'status',
  'visitor_name',
  'visitor_email',
  'agent_id',
  'agent_name',
  'assigned_at',
  'first_response_at',
  'closed_at',
  'wait_seconds',
  'first_response_seconds',
  'resolution_seconds',
  'messages',
  'rating',
  'rating_comment',
  'tags',
] as const;

/** How a team's queue (or the default queue) hands out conversations: agents claim them, or the server assigns them. */
export const ROUTING_MODES = ['manual', 'auto'] as const;
export type RoutingMode = (typeof ROUTING_MODES)[number];
/** Most conversations an agent may be given at once (`maxConcurrent` is 1..this). */
export const MAX_CONCURRENT_LIMIT = 50;
