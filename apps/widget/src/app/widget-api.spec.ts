import { TestBed } from '@angular/core/testing';
import { ApiError } from '@parley/rest-client';
import { WidgetApi } from './widget-api';

describe('WidgetApi', () => {
  const fetchMock = jest.fn();
  beforeEach(() => {
    fetchMock.mockReset();
    globalThis.fetch = fetchMock as unknown as typeof fetch;
  });
  const api = () => TestBed.inject(WidgetApi);
  const answer = (status: number, body: unknown) => fetchMock.mockResolvedValue({ ok: status < 400, status, json: async () => body });

  it('closes a thread with the bearer token and no body fields', async () => {
    answer(200, { id: 't' });
    await api().closeThread('tok', 't-1');
    expect(fetchMock).toHaveBeenCalledWith('/api/v1/threads/t-1/close', {
      method: 'POST',
      headers: { accept: 'application/json', authorization: 'Bearer tok', 'content-type': 'application/json' },
      body: '{}',
      credentials: 'omit',
    });
  });

  it('turns a problem document into an ApiError with its code', async () => {
    answer(400, { code: 'VALIDATION_FAILED', detail: 'email: bad', errors: [{ path: 'email', message: 'bad' }] });
    const err = (await api().createSession({ name: 'V', email: 'x' }).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect([err.status, err.code, err.errors[0].path]).toEqual([400, 'VALIDATION_FAILED', 'email']);
  });

  it('says when Parley cannot be reached', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(api().settings()).rejects.toMatchObject({ status: 0, code: 'NETWORK' });
  });
});
