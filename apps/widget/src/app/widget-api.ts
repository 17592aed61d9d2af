import { Injectable } from '@angular/core';
import {
  API_PREFIX,
  type FieldError,
  type Thread,
  type VisitorSessionRequest,
  type VisitorSessionResponse,
  type WidgetSettings,
} from '@parley/contracts';

/** A REST call answered with a problem document (or not answered at all: status 0, code NETWORK). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The few REST calls of the widget, with fetch (same origin: the iframe is on Parley's origin).
 * Messages go over the socket; these are the calls that must work without one.
 */
@Injectable({ providedIn: 'root' })
export class WidgetApi {
  settings(): Promise<WidgetSettings> {
    return this.call('GET', '/widget/settings');
  }

  createSession(body: VisitorSessionRequest): Promise<VisitorSessionResponse> {
    return this.call('POST', '/visitors/session', undefined, body);
  }

  /** The visitor's open thread, or a new one. */
  startThread(token: string): Promise<Thread> {
    return this.call('POST', '/threads', token, {});
  }

  getThread(token: string, id: string): Promise<Thread> {
    return this.call('GET', `/threads/${encodeURIComponent(id)}`, token);
  }

  /** Closes the thread; the server records the visitor of the token as the one who closed it. */
  closeThread(token: string, id: string): Promise<Thread> {
    return this.call('POST', `/threads/${encodeURIComponent(id)}/close`, token, {});
  }

  private async call<T>(method: 'GET' | 'POST', path: string, token?: string, body?: object): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (body) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(API_PREFIX + path, { method, headers, body: body ? JSON.stringify(body) : undefined, credentials: 'omit' });
    } catch {
      throw new ApiError(0, 'NETWORK', 'Parley cannot be reached. Check your connection and try again.');
    }
    const data = (await res.json().catch(() => null)) as (T & { code?: string; detail?: string; title?: string; errors?: FieldError[] }) | null;
    if (res.ok && data) return data;
    throw new ApiError(res.status, data?.code ?? 'INTERNAL', data?.detail ?? data?.title ?? `HTTP ${res.status}`, data?.errors);
  }
}
