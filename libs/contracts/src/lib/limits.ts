/** Input limits shared by the server (validation) and the clients (form hints, counters). */
export const LIMITS = {
  messageBodyMin: 1,
  messageBodyMax: 4000,
  nameMax: 100,
  emailMax: 254,
  passwordMin: 12,
  passwordMax: 200,
  clientMsgIdMax: 64,
  /** The largest seq a thread can reach (PostgreSQL int4); larger `afterSeq` values are refused. */
  seqMax: 2_147_483_647,
  apiKeyNameMax: 100,
  /** Longest Idempotency-Key header value accepted. */
  idempotencyKeyMax: 255,
  /** Closed conversations are kept at least this many days when retention is on, at most about a century. */
  retentionDaysMin: 30,
  retentionDaysMax: 36_500,
  pageSizeDefault: 50,
  pageSizeMax: 200,
  /** Largest JSON body the REST API accepts, in bytes. */
  httpBodyMaxBytes: 64 * 1024,
  /** Largest socket.io frame the server accepts, in bytes. */
  socketFrameMaxBytes: 32 * 1024,
  /** Files one message may carry. */
  attachmentsPerMessageMax: 5,
  /** Longest file name kept with an upload (longer ones are cut, keeping the extension). */
  fileNameMax: 200,
  /** Longest webhook URL. */
  webhookUrlMax: 2000,
  webhookDescriptionMax: 200,
  /** Longest identity token (`POST /visitors/identify`) accepted. */
  identityTokenMax: 4096,
  /** Longest `sub` of an identity token: the site's own user id. */
  identitySubMax: 128,
  /** Longest lifetime (`exp - iat`) of an identity token, in seconds. */
  identityTokenLifetimeMaxSeconds: 24 * 60 * 60,
  /** Longest title of a canned response (its body is bounded like a message's). */
  cannedTitleMax: 100,
  /** Longest page address a visitor's widget may report (longer ones are refused, not cut). */
  pageUrlMax: 2000,
  /** Longest page title kept (longer ones are cut). */
  pageTitleMax: 300,
  /** Pages of the current visit kept per visitor (the oldest go first). */
  visitorPagesMax: 20,
  /** Longest IANA time zone name accepted (the longest real ones are about 30). */
  timeZoneMax: 64,
  /** Longest user agent kept of a visitor's socket. */
  userAgentMax: 512,
  /** A visit ends after this long without a connected socket: the next one starts a new list of pages. */
  visitGapMinutes: 30,
  tagNameMax: 40,
  /** Most tags one server keeps. */
  tagsMax: 500,
  /** Longest search (`GET /threads?q=`). */
  searchMax: 200,
} as const;
