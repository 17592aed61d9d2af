import { describeDetails } from './audit.page';
import { auditQuery, NO_FILTER } from './audit.store';

describe('audit log filters and details', () => {
  it('sends only the filters that are set, with whole local days', () => {
    expect(auditQuery(NO_FILTER, null)).toEqual({ limit: 50 });
    const q = auditQuery({ action: 'agent.updated', actorId: 'a1', fromDate: '2026-03-28', toDate: '2026-03-29' }, '42');
    expect(q).toMatchObject({ action: 'agent.updated', actorId: 'a1', cursor: '42', limit: 50 });
    expect(new Date(q.from ?? '').getTime()).toBe(new Date(2026, 2, 28).getTime());
    // "To" includes its whole day: the query ends at the next midnight.
    expect(new Date(q.to ?? '').getTime()).toBe(new Date(2026, 2, 30).getTime());
    expect(auditQuery({ ...NO_FILTER, fromDate: 'soon' }, null)).toEqual({ limit: 50 });
  });

  it('shows what changed as one line of text', () => {
    expect(describeDetails({ changes: { role: 'admin', active: false } })).toBe('role: admin · active: false');
    expect(describeDetails({ changes: { scopes: ['threads:read', 'audit:read'] } })).toBe('scopes: threads:read, audit:read');
    expect(describeDetails({ email: 'a@b.test', failures: 10 })).toBe('email: a@b.test · failures: 10');
    expect(describeDetails({})).toBe('');
  });
});
