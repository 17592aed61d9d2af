import { Injectable } from '@angular/core';
import { type Message, type RouteResponse, type Thread, type VisitorSessionRequest } from '@parley/contracts';
import { createRestClient } from '@parley/rest-client';

/**
 * The few REST calls of the widget (same origin: the iframe is on Parley's origin). Messages go
 * over the socket; these are the calls that must work without one.
 */
@Injectable({ providedIn: 'root' })
export class WidgetApi {
  private readonly call = createRestClient({
    init: { credentials: 'omit' },
    networkMessage: 'Parley cannot be reached. Check your connection and try again.',
  });

  settings(): Promise<RouteResponse<'get /widget/settings'>> {
    return this.call('get /widget/settings');
  }

  /** Whether the site is open now, and what the widget does while it is closed. */
  availability(): Promise<RouteResponse<'get /widget/availability'>> {
    return this.call('get /widget/availability');
  }

  createSession(body: VisitorSessionRequest): Promise<RouteResponse<'post /visitors/session'>> {
    return this.call('post /visitors/session', { body });
  }

  /** The host page's identity token for a session of the visitor it names. */
  identify(token: string): Promise<RouteResponse<'post /visitors/identify'>> {
    return this.call('post /visitors/identify', { body: { token } });
  }

  /** The visitor's newest threads (an identified visitor may have started one on another device). */
  listThreads(token: string): Promise<Thread[]> {
    return this.call('get /threads', { token, query: { order: 'desc', limit: 20 } }).then((page) => page.items);
  }

  /** The visitor's open thread, or a new one. */
  startThread(token: string): Promise<Thread> {
    return this.call('post /threads', { token, body: {} });
  }

  getThread(token: string, id: string): Promise<Thread> {
    return this.call('get /threads/{id}', { token, params: { id } });
  }

  /** The visitor's own closed conversations, newest first (the token's visitor only: the server filters). */
  async earlierThreads(token: string): Promise<Thread[]> {
    return (await this.call('get /threads', { token, query: { status: 'closed', limit: 20 } })).items;
  }

  /** A conversation's messages (one page: the most a page holds). */
  async messages(token: string, id: string): Promise<Message[]> {
    return (await this.call('get /threads/{id}/messages', { token, params: { id }, query: { afterSeq: 0 } })).items;
  }

  /** Rates the visitor's closed thread (1-5, optional comment); again within 24 h, it replaces the rating. */
  rateThread(token: string, id: string, body: { score: number; comment?: string }): Promise<Thread> {
    return this.call('post /threads/{id}/rating', { token, params: { id }, body });
  }

  /** Asks for the thread's transcript by email (or, to an address not confirmed yet, a confirmation link). */
  requestTranscript(token: string, id: string): Promise<RouteResponse<'post /threads/{id}/transcript'>> {
    return this.call('post /threads/{id}/transcript', { token, params: { id }, body: {} });
  }

  /** Redeems a resume link from a follow-up mail: a fresh token of the same visitor. */
  resume(token: string): Promise<RouteResponse<'post /visitors/resume'>> {
    return this.call('post /visitors/resume', { body: { token } });
  }

  /** Confirms the visitor's address with the link from the confirmation mail. */
  confirmEmail(token: string): Promise<RouteResponse<'post /visitors/email/confirm'>> {
    return this.call('post /visitors/email/confirm', { body: { token } });
  }

  /** Closes the thread; the server records the visitor of the token as the one who closed it. */
  closeThread(token: string, id: string): Promise<Thread> {
    return this.call('post /threads/{id}/close', { token, params: { id }, body: {} });
  }
}
