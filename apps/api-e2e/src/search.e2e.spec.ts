import { randomBytes } from 'node:crypto';
import { ErrorCode, type Thread, ThreadPageSchema, ThreadSchema, VisitorSessionResponseSchema } from '@parley/contracts';
import { adminToken, claimThread, createApiKey, newAgent, postMessage, startThread } from './support/actors';
import { call, expectProblem, expectServerAlive, expectStatus } from './support/http';

/** A word no other test writes: letters and digits only, so it is one word to every parser. */
function word(prefix: string): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

async function visitorWith(name: string, email: string): Promise<{ token: string; thread: Thread }> {
  const res = await call('post /visitors/session', { body: { name, email } });
  expectStatus(res, 201);
  const { token } = VisitorSessionResponseSchema.parse(res.body);
  return { token, thread: await startThread(token) };
}

async function search(q: string, query: { limit?: number; cursor?: string; status?: 'queued' | 'active' | 'closed' } = {}, token = adminToken()) {
  const res = await call('get /threads', { token, query: { q, ...query } });
  expectStatus(res, 200);
  return ThreadPageSchema.parse(res.body);
}

const ids = (page: { items: Thread[] }) => page.items.map((t) => t.id);

describe('search: what it finds', () => {
  const order = `${Math.floor(Math.random() * 9e8) + 1e8}`;
  const city = word('münchen');
  const local = word('jdoe');
  const surname = word('Quist');
  let quentin: { token: string; thread: Thread };
  let other: { token: string; thread: Thread };

  beforeAll(async () => {
    quentin = await visitorWith(`Quentin ${surname}`, `${local}@example-shop.test`);
    await postMessage(quentin.token, quentin.thread.id, `Hello, my order ${order} has not arrived. Where is it?`);
    await postMessage(quentin.token, quentin.thread.id, `Grüße aus ${city.replace('münchen', 'München')}, ПРИВЕТ ${order}`);
    other = await visitorWith('Olga Other', `${word('olga')}@other.test`);
    await postMessage(other.token, other.thread.id, `order 55500000 is something else entirely`);
  });

  it('finds a conversation by words of its messages, in any order and case, with an excerpt around the match', async () => {
    const page = await search(`ORDER ${order}`);
    expect(ids(page)).toEqual([quentin.thread.id]);
    const [hit] = page.items;
    expect(hit.match).toEqual({ seq: 1, excerpt: expect.stringContaining(`order ${order}`), terms: ['order', order] });
    expect(ids(await search(`${order} order`))).toEqual([quentin.thread.id]);
  });

  it('matches whole words (not parts of them), in any script', async () => {
    expect(ids(await search(`${order.slice(0, 6)}`))).toEqual([]);
    expect(ids(await search(`${city.replace('münchen', 'MÜNCHEN')}`))).toEqual([quentin.thread.id]);
    const cyrillic = await search(`привет ${order}`);
    expect(ids(cyrillic)).toEqual([quentin.thread.id]);
    expect(cyrillic.items[0].match).toMatchObject({ seq: 2, excerpt: expect.stringContaining('ПРИВЕТ') });
  });

  it('finds a conversation by any part of the visitor name or email (no excerpt then)', async () => {
    for (const q of [surname.slice(1, 8).toUpperCase(), `${local}@exam`, local.slice(2), 'example-sh']) {
      const page = await search(q);
      expect(ids(page)).toContain(quentin.thread.id);
      expect(ids(page)).not.toContain(other.thread.id);
    }
    const byEmail = await search(`${local}@example-shop`);
    expect(byEmail.items).toEqual([expect.objectContaining({ id: quentin.thread.id, match: null })]);
  });

  it('finds a conversation by the name of a tag', async () => {
    const tagName = word('vip');
    const created = await call('post /tags', { token: adminToken(), body: { name: tagName } });
    expectStatus(created, 201);
    const tagId = (created.body as { id: string }).id;
    expectStatus(await call('put /threads/{id}/tags/{tagId}', { token: adminToken(), params: { id: other.thread.id, tagId } }), 200);
    const page = await search(tagName.toUpperCase());
    expect(page.items).toEqual([expect.objectContaining({ id: other.thread.id, match: null, tags: [expect.objectContaining({ name: tagName })] })]);
  });

  it('does not search system notes (who joined, who closed)', async () => {
    const agentName = word('Zed');
    const agent = await newAgent('agent', agentName);
    const visitor = await visitorWith('Nina Note', `${word('nina')}@notes.test`);
    await claimThread(agent.token, visitor.thread.id);
    expect((await search(agentName)).items).toEqual([]);
  });

  it('keeps to the other filters, and a visitor searches only its own conversations', async () => {
    expect(ids(await search(order, { status: 'queued' }))).toEqual([quentin.thread.id]);
    expect(ids(await search(order, { status: 'closed' }))).toEqual([]);
    const mine = await search(order, {}, quentin.token);
    expect(ids(mine)).toEqual([quentin.thread.id]);
    expect(mine.items[0].tags).toEqual([]);
    expect(ids(await search(order, {}, other.token))).toEqual([]);
    const reader = await createApiKey({ scopes: ['threads:read'] });
    expect(ids(await search(`order ${order}`, {}, reader.key))).toEqual([quentin.thread.id]);
  });
});

describe('search: pages', () => {
  it('pages through every match newest first with the cursor, each conversation once', async () => {
    const w = word('pager');
    const threads: Thread[] = [];
    for (let i = 0; i < 5; i++) {
      const v = await visitorWith(i === 4 ? `Pat ${w}` : `Pat ${i}`, `${word('pat')}@pages.test`);
      // Two matching messages in one conversation still list it once.
      if (i !== 4) await postMessage(v.token, v.thread.id, `about ${w} once`);
      if (i === 1) await postMessage(v.token, v.thread.id, `and ${w} twice`);
      threads.push(v.thread);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await search(w, { limit: 2, cursor });
      seen.push(...ids(page));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(threads.map((t) => t.id).reverse());
    expect(pages).toBe(3);
  });
});

describe('search: bad input', () => {
  it.each(['?!', '...', '%', '_', '%%__', '\\', "'", '"', '&|!():*', '<->', ' - ', '¿¡«»', '…'])('only punctuation (%j) finds nothing, without an error', async (q) => {
    expect(await search(q)).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    "'; DROP TABLE messages; --",
    "x' OR '1'='1",
    'a:* & !b | (c <-> d)',
    '\\x00 $1 $$ E\'\\\\\'',
    "plainto_tsquery('simple', 'x')",
  ])('treats %j as text to look for, never as SQL or query syntax', async (q) => {
    const page = await search(q);
    expect(page.items.every((t) => ThreadSchema.safeParse(t).success)).toBe(true);
    await expectServerAlive();
  });

  it('refuses a search over 200 characters, and a control character (400)', async () => {
    expectProblem(await call('get /threads', { token: adminToken(), query: { q: 'x'.repeat(201) } }), ErrorCode.ValidationFailed);
    expectProblem(await call('get /threads', { token: adminToken(), query: { q: 'a\u0000b' } }), ErrorCode.ValidationFailed);
  });
});
