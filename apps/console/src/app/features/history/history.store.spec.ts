import { TestBed } from '@angular/core/testing';
import { message, thread } from '../../../testing/fixtures';
import { consoleTestProviders } from '../../../testing/providers';
import { HistoryStore } from './history.store';

describe('HistoryStore', () => {
  function setup() {
    const { providers, bed } = consoleTestProviders();
    TestBed.configureTestingModule({ providers: [...providers, HistoryStore] });
    const pages: Record<string, { items: ReturnType<typeof thread>[]; nextCursor: string | null }> = {
      first: { items: [thread({ status: 'closed' })], nextCursor: 'c2' },
      c2: { items: [thread({ status: 'closed' })], nextCursor: null },
    };
    bed.backend.on('GET /threads', ({ query }) => ({ body: pages[query.get('cursor') ?? 'first'] }));
    return { bed, store: TestBed.inject(HistoryStore), pages };
  }

  it('searches closed threads and pages with the server’s cursors, back and forth', async () => {
    const { bed, store, pages } = setup();
    await store.search('  vera ');
    const first = bed.backend.calls[0].query;
    expect(first.get('status')).toBe('closed');
    expect(first.get('q')).toBe('vera');
    expect(store.items()).toEqual(pages['first'].items);
    expect(store.hasNext()).toBe(true);
    expect(store.hasPrevious()).toBe(false);
    await store.nextPage();
    expect(bed.backend.calls[1].query.get('cursor')).toBe('c2');
    expect(store.items()).toEqual(pages['c2'].items);
    expect(store.pageNumber()).toBe(2);
    expect(store.hasNext()).toBe(false);
    await store.previousPage();
    expect(store.items()).toEqual(pages['first'].items);
    expect(store.pageNumber()).toBe(1);
  });

  it('loads a whole transcript, page after page', async () => {
    const { bed, store } = setup();
    const t = thread({ status: 'closed' });
    bed.backend.on('GET /threads/:id', { body: t });
    bed.backend.on('GET /threads/:id/messages', ({ query }) =>
      query.get('afterSeq') === '0'
        ? { body: { items: [message(t, 1), message(t, 2)], lastSeq: 3, hasMore: true } }
        : { body: { items: [message(t, 3)], lastSeq: 3, hasMore: false } },
    );
    await store.open(t.id);
    expect(store.messages()?.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(bed.backend.callsTo('GET /threads/:id/messages').map((c) => c.query.get('afterSeq'))).toEqual(['0', '2']);
  });
});
