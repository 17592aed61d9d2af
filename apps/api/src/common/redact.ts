/** Query parameters that carry credentials (the raw WebSocket endpoint's `?token=`); never logged. */
const SECRET_PARAMS = /([?&](?:token|access_token|api_key)=)[^&#]*/gi;

/** A URL as it may appear in a log line: credential parameters replaced by `[Redacted]`. */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(SECRET_PARAMS, '$1[Redacted]');
}
