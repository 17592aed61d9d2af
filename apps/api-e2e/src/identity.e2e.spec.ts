import { CreatedIdentitySecretSchema, ErrorCode, VisitorSessionResponseSchema, type WidgetSettings, WidgetSettingsSchema } from '@parley/contracts';
import { type JWTPayload, SignJWT, UnsecuredJWT } from 'jose';
import { adminToken, listMessages, newVisitor, postMessage, startThread, unique } from './support/actors';
import { call, expectProblem, expectServerAlive, expectStatus } from './support/http';

const HOUR = 3600;
const now = () => Math.floor(Date.now() / 1000);

interface Claims {
  sub?: unknown;
  name?: string;
  email?: string;
  iat?: number;
  exp?: number;
  [claim: string]: unknown;
}

/** An identity token as a site's backend signs it (HS256), valid for an hour unless the claims say otherwise. */
function sign(secret: string, claims: Claims): Promise<string> {
  const { iat = now(), exp = now() + HOUR, ...rest } = claims;
  return new SignJWT({ ...rest, iat, exp } as JWTPayload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));
}

const identify = (token: string) => call('post /visitors/identify', { body: { token } });

async function settings(): Promise<WidgetSettings> {
  const res = await call('get /widget/settings/admin', { token: adminToken() });
  expectStatus(res, 200);
  return WidgetSettingsSchema.parse(res.body);
}

async function newSecret(): Promise<string> {
  const res = await call('post /widget/identity-secrets', { token: adminToken() });
  expectStatus(res, 201);
  return CreatedIdentitySecretSchema.parse(res.body).secret;
}

async function setIdentityRequired(identityRequired: boolean): Promise<void> {
  const { title, greetingLines, color, allowedOrigins } = await settings();
  expectStatus(await call('put /widget/settings', { token: adminToken(), body: { title, greetingLines, color, allowedOrigins, identityRequired } }), 200);
}

describe('identity verification', () => {
  let secret: string;

  beforeAll(async () => {
    // Earlier files may have generated secrets (the hostile corpus calls every route): start with none.
    for (const s of (await settings()).identitySecrets) {
      expectStatus(await call('delete /widget/identity-secrets/{id}', { params: { id: s.id }, token: adminToken() }), 204);
    }
  });

  afterAll(async () => {
    await setIdentityRequired(false);
  });

  it('answers 409 IDENTITY_NOT_CONFIGURED while no identity secret exists', async () => {
    expect((await settings()).identitySecrets).toEqual([]);
    expectProblem(await identify(await sign('whatever-secret-the-site-made-up', { sub: 'u1' })), ErrorCode.IdentityNotConfigured);
  });

  it('shows a new secret once, and afterwards only its last 4 characters', async () => {
    const res = await call('post /widget/identity-secrets', { token: adminToken() });
    expectStatus(res, 201);
    const created = CreatedIdentitySecretSchema.parse(res.body);
    secret = created.secret;
    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(created.hint).toBe(secret.slice(-4));
    const listed = await settings();
    expect(listed.identitySecrets).toEqual([{ id: created.id, hint: created.hint, createdAt: created.createdAt }]);
    expect(JSON.stringify(listed)).not.toContain(secret);
    const publicSettings = await call('get /widget/settings');
    expect(JSON.stringify(publicSettings.body)).not.toContain(created.hint);
    expect(publicSettings.body).toMatchObject({ identityRequired: false });
    // Only admins may generate or revoke them.
    const visitor = await newVisitor();
    expectStatus(await call('post /widget/identity-secrets', { token: visitor.token }), 403);
    expectStatus(await call('post /widget/identity-secrets'), 401);
  });

  it('gives the same visitor, with its conversation, for two identifies of one sub (two devices)', async () => {
    const sub = unique('user');
    const email = `${sub}@customer.test`;
    const first = await identify(await sign(secret, { sub, name: 'Ida Identified', email: email.toUpperCase() }));
    expectStatus(first, 200);
    const one = VisitorSessionResponseSchema.parse(first.body);
    expect(one.visitor).toMatchObject({ name: 'Ida Identified', email, emailVerified: true, externalId: sub });
    const thread = await startThread(one.token);
    const said = await postMessage(one.token, thread.id, 'Written on my laptop');

    // The other device: a token signed later, without the name (the stored one stays).
    const second = await identify(await sign(secret, { sub, email }));
    expectStatus(second, 200);
    const two = VisitorSessionResponseSchema.parse(second.body);
    expect(two.visitor.id).toBe(one.visitor.id);
    expect(two.visitor.name).toBe('Ida Identified');
    // Its open thread is the same one, with the history.
    const open = await call('post /threads', { token: two.token, body: {} });
    expectStatus(open, 200);
    expect((open.body as { id: string }).id).toBe(thread.id);
    expect((await listMessages(two.token, thread.id)).items.map((m) => m.id)).toContain(said.id);
    const me = await call('get /visitors/me', { token: two.token });
    expect(me.body).toMatchObject({ id: one.visitor.id, emailVerified: true, externalId: sub });

    // Another sub is another visitor, who cannot read that thread.
    const other = VisitorSessionResponseSchema.parse((await identify(await sign(secret, { sub: `${sub}-2` }))).body);
    expect(other.visitor.id).not.toBe(one.visitor.id);
    expect(other.visitor).toMatchObject({ emailVerified: false, externalId: `${sub}-2` });
    expectStatus(await call('get /threads/{id}', { params: { id: thread.id }, token: other.token }), 404);
  });

  it('refuses expired, badly signed, unsigned and malformed tokens with 401 and a code', async () => {
    const sub = unique('user');
    expectProblem(await identify(await sign(secret, { sub, iat: now() - 2 * HOUR, exp: now() - HOUR })), ErrorCode.IdentityTokenExpired);
    expectProblem(await identify(await sign('not-the-site-secret-0123456789abcdef', { sub })), ErrorCode.IdentityTokenInvalid);
    const unsigned = new UnsecuredJWT({ sub }).setIssuedAt().setExpirationTime('1h').encode();
    expectProblem(await identify(unsigned), ErrorCode.IdentityTokenInvalid);
    // The same claims signed with HS512: only HS256 is accepted.
    const hs512 = await new SignJWT({ sub }).setProtectedHeader({ alg: 'HS512' }).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(secret));
    expectProblem(await identify(hs512), ErrorCode.IdentityTokenInvalid);
    const good = await sign(secret, { sub });
    const [header, payload] = good.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ sub: 'someone-else', iat: now(), exp: now() + HOUR })).toString('base64url')}.${good.split('.')[2]}`;
    expectProblem(await identify(tampered), ErrorCode.IdentityTokenInvalid);
    for (const junk of ['x', 'a.b.c', `${header}.${payload}`, `${header}.!!!.${good.split('.')[2]}`, '..']) {
      expectProblem(await identify(junk), ErrorCode.IdentityTokenInvalid);
    }
    await expectServerAlive();
  });

  it('refuses genuine tokens with claims out of bounds: 400 IDENTITY_CLAIMS_INVALID naming the claim', async () => {
    const cases: [Claims, string][] = [
      [{ sub: unique('u'), iat: now(), exp: now() + 25 * HOUR }, 'exp'],
      [{ sub: unique('u'), iat: now() + 48 * HOUR, exp: now() + 49 * HOUR }, 'exp'],
      [{ sub: 'x'.repeat(129) }, 'sub'],
      [{ sub: '' }, 'sub'],
      [{ sub: 42 }, 'sub'],
      [{ name: 'No Sub' }, 'sub'],
      [{ sub: unique('u'), email: 'not an email' }, 'email'],
      [{ sub: unique('u'), name: '   ' }, 'name'],
    ];
    for (const [claims, claim] of cases) {
      const problem = expectProblem(await identify(await sign(secret, claims)), ErrorCode.IdentityClaimsInvalid);
      expect({ claims, paths: problem.errors?.map((e) => e.path) }).toEqual({ claims, paths: [claim] });
    }
    // 128 characters is the limit, not over it.
    expectStatus(await identify(await sign(secret, { sub: `${unique('u')}-`.padEnd(128, 'x') })), 200);
    // The body itself: a token that is not a string, or an extra field.
    expectProblem(await call('post /visitors/identify', { body: { token: 42 } as never }), ErrorCode.ValidationFailed);
    expectProblem(await call('post /visitors/identify', { body: { token: 'a.b.c', sub: 'x' } as never }), ErrorCode.ValidationFailed);
  });

  it('accepts tokens of the previous secret after a rotation, and of neither once a secret is revoked', async () => {
    const old = secret;
    const sub = unique('user');
    const rotated = await newSecret();
    const visitorId = VisitorSessionResponseSchema.parse((await identify(await sign(old, { sub }))).body).visitor.id;
    expect(VisitorSessionResponseSchema.parse((await identify(await sign(rotated, { sub }))).body).visitor.id).toBe(visitorId);
    expect((await settings()).identitySecrets.map((s) => s.hint)).toEqual([rotated.slice(-4), old.slice(-4)]);
    // A third secret drops the oldest: two at most.
    const third = await newSecret();
    expect((await settings()).identitySecrets.map((s) => s.hint)).toEqual([third.slice(-4), rotated.slice(-4)]);
    expectProblem(await identify(await sign(old, { sub })), ErrorCode.IdentityTokenInvalid);
    expectStatus(await identify(await sign(rotated, { sub })), 200);
    const [, previous] = (await settings()).identitySecrets;
    expectStatus(await call('delete /widget/identity-secrets/{id}', { params: { id: previous.id }, token: adminToken() }), 204);
    expectProblem(await call('delete /widget/identity-secrets/{id}', { params: { id: previous.id }, token: adminToken() }), ErrorCode.NotFound);
    expectProblem(await identify(await sign(rotated, { sub })), ErrorCode.IdentityTokenInvalid);
    secret = third;
    expectStatus(await identify(await sign(secret, { sub })), 200);
  });

  it('with identity required, refuses anonymous sessions (403 IDENTITY_REQUIRED) and still identifies', async () => {
    await setIdentityRequired(true);
    expect((await settings()).identityRequired).toBe(true);
    expect((await call('get /widget/settings')).body).toMatchObject({ identityRequired: true });
    expectProblem(await call('post /visitors/session', { body: { name: 'Anon', email: 'anon@visitor.test' } }), ErrorCode.IdentityRequired);
    const res = await identify(await sign(secret, { sub: unique('user'), name: 'Known' }));
    expectStatus(res, 200);
    // Leaving the field out of an update keeps it.
    const { title, greetingLines, color, allowedOrigins } = await settings();
    expectStatus(await call('put /widget/settings', { token: adminToken(), body: { title, greetingLines, color, allowedOrigins } }), 200);
    expect((await settings()).identityRequired).toBe(true);
    await setIdentityRequired(false);
    expectStatus(await call('post /visitors/session', { body: { name: 'Anon', email: 'anon@visitor.test' } }), 201);
  });
});
