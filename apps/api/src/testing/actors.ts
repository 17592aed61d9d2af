import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AuthResponse, Thread, VisitorSessionResponse } from '@parley/contracts';
import request from 'supertest';

/** Creates the people of a test through the HTTP API, as a client would. */
export class Actors {
  private n = 0;
  constructor(private readonly app: NestExpressApplication) {}

  get http() {
    return request(this.app.getHttpServer());
  }

  async admin(): Promise<AuthResponse> {
    const res = await this.http
      .post('/api/v1/setup')
      .send({ email: 'admin@example.com', name: 'Ada Admin', password: 'correct-horse-battery' })
      .expect(201);
    return res.body as AuthResponse;
  }

  async agent(adminToken: string, name?: string): Promise<AuthResponse> {
    const n = ++this.n;
    name ??= `Agent ${n}`;
    const email = `agent${n}@example.com`;
    await this.http
      .post('/api/v1/agents')
      .set('authorization', `Bearer ${adminToken}`)
      .send({ email, name, password: 'agent-password-1' })
      .expect(201);
    const res = await this.http.post('/api/v1/auth/login').send({ email, password: 'agent-password-1' }).expect(200);
    return res.body as AuthResponse;
  }

  async visitor(name?: string): Promise<VisitorSessionResponse> {
    const n = ++this.n;
    const res = await this.http
      .post('/api/v1/visitors/session')
      .send({ name: name ?? `Visitor ${n}`, email: `v${n}@example.com` })
      .expect(201);
    return res.body as VisitorSessionResponse;
  }

  async thread(visitorToken: string): Promise<Thread> {
    const res = await this.http.post('/api/v1/threads').set('authorization', `Bearer ${visitorToken}`).expect(201);
    return res.body as Thread;
  }
}
