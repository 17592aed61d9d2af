import { ClientEvent, ErrorCode, ServerEvent } from './constants';
import { ERROR_HTTP_STATUS } from './errors';
import { LIMITS } from './limits';
import { EmailSchema, MessageBodySchema, PostMessageRequestSchema, UpdateWidgetSettingsRequestSchema, VisitorSessionRequestSchema } from './requests';
import { REST_ROUTES } from './rest';

describe('contracts', () => {
  it('bounds a message body to 1..4000 characters after trimming', () => {
    expect(MessageBodySchema.parse('  hi \n')).toBe('hi');
    expect(MessageBodySchema.safeParse('   ').success).toBe(false);
    expect(MessageBodySchema.safeParse('x'.repeat(LIMITS.messageBodyMax)).success).toBe(true);
    expect(MessageBodySchema.safeParse('x'.repeat(LIMITS.messageBodyMax + 1)).success).toBe(false);
    expect(MessageBodySchema.safeParse(` ${'x'.repeat(LIMITS.messageBodyMax)} `).success).toBe(true);
  });

  it('normalises emails and refuses what is not one', () => {
    expect(EmailSchema.parse(' Vera@Example.COM ')).toBe('vera@example.com');
    expect(EmailSchema.safeParse('vera@').success).toBe(false);
    expect(EmailSchema.safeParse(`${'a'.repeat(250)}@x.io`).success).toBe(false);
  });

  it('refuses unknown fields in request bodies', () => {
    expect(VisitorSessionRequestSchema.safeParse({ name: 'V', email: 'v@x.io', admin: true }).success).toBe(false);
    expect(PostMessageRequestSchema.safeParse({ clientMsgId: 'a', body: 'b', seq: 4 }).success).toBe(false);
  });

  it('refuses a widget origin that is not a URL without throwing', () => {
    const settings = (origin: string) => ({ title: 'Ask us', greetingLines: [], color: '#3056d3', allowedOrigins: [origin] });
    expect(UpdateWidgetSettingsRequestSchema.safeParse(settings('shop.example.com/path')).success).toBe(false);
    expect(UpdateWidgetSettingsRequestSchema.safeParse(settings('https://shop.example.com/path')).success).toBe(false);
    expect(UpdateWidgetSettingsRequestSchema.parse(settings('https://shop.example.com/')).allowedOrigins).toEqual(['https://shop.example.com']);
  });

  it('keeps user text as typed: markup is data, not something to strip', () => {
    expect(MessageBodySchema.parse('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
  });

  it('uses no event name twice', () => {
    const names = [...Object.values(ClientEvent), ...Object.values(ServerEvent)];
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives every error code an HTTP status', () => {
    for (const code of Object.values(ErrorCode)) expect(ERROR_HTTP_STATUS[code]).toBeGreaterThanOrEqual(400);
  });

  it('lists each REST route once, each with callers', () => {
    const keys = REST_ROUTES.map((r) => `${r.method} ${r.base ?? ''}${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of REST_ROUTES) expect(r.callers.length).toBeGreaterThan(0);
  });
});
