import { Parser } from '@asyncapi/parser';
import { ClientEvent, LEGACY_FRAMES_IN, LEGACY_FRAMES_OUT, ServerEvent } from '@parley/contracts';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { buildAsyncApiDocument, renderAsyncApiHtml } from './asyncapi.document';
import { buildOpenApiDocument } from './openapi.document';

/** The lint's warnings today, by rule, so a new kind shows up here (and in docs/status.md) rather than going unnoticed. */
const KNOWN_OPENAPI_WARNINGS = new Set(['no-path-trailing-slash']);

describe('API documents', () => {
  it('the AsyncAPI document of the sockets parses with no error, listing every event and frame', async () => {
    const doc = buildAsyncApiDocument('1.2.3', 'https://chat.example.com');
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
    // Severity 0 is an error (Spectral's DiagnosticSeverity); 1 and up are warnings and hints.
    const errors = diagnostics.filter((d) => d.severity === 0).map((d) => `${d.code} ${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
    expect(document).toBeDefined();
    const names = document?.allMessages().all().map((m) => m.name()) ?? [];
    for (const event of [...Object.values(ClientEvent), ...Object.values(ServerEvent), ...Object.keys(LEGACY_FRAMES_IN), ...Object.keys(LEGACY_FRAMES_OUT)]) {
      expect(names).toContain(event);
    }
    expect(document?.servers().get('parley')?.protocol()).toBe('wss');
    expect(document?.operations().all().length).toBe(Object.keys(ClientEvent).length + Object.keys(ServerEvent).length + 2);
  });

  it('renders the AsyncAPI page as text, with no script', () => {
    const html = renderAsyncApiHtml(buildAsyncApiDocument('1.2.3', 'http://localhost:3000'));
    expect(html).toContain('<code>message.send</code>');
    expect(html).toContain('/ws/support/{threadId}/');
    expect(html).not.toMatch(/<script/i);
  });

  it('the OpenAPI document passes the Redocly lint (recommended rules) with no error', async () => {
    // The old system's two calls keep their paths, trailing slash included (docs/legacy-protocol.md):
    // that rule only warns here.
    const config = await createConfig({ extends: ['recommended'], rules: { 'no-path-trailing-slash': 'warn' } });
    const problems = await lintFromString({ source: JSON.stringify(buildOpenApiDocument('1.2.3')), absoluteRef: 'openapi.json', config });
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`);
    expect(errors).toEqual([]);
    const warnings = [...new Set(problems.filter((p) => p.severity === 'warn').map((p) => p.ruleId))];
    console.log(`OpenAPI lint warnings: ${warnings.map((rule) => `${rule} ×${problems.filter((p) => p.ruleId === rule).length}`).join(', ')}`);
    expect(warnings.filter((rule) => !KNOWN_OPENAPI_WARNINGS.has(rule))).toEqual([]);
  });
});
