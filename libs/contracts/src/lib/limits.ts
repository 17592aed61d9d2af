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
  tagNameMax: 40,
  /** Most tags one server keeps. */
  tagsMax: 500,
  /** Longest search (`GET /threads?q=`). */
  searchMax: 200,
} as const;
