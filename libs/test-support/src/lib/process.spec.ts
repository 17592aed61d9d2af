import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApiServer } from './api-server';
import { freePort } from './ports';
import { Proc } from './process';
import { until } from './wait';

// Child processes of the project's Node running small inline scripts: the helpers' own behaviour, in well under a second.
describe('Proc and startApiServer', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'test-support-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('logs the output, keeps its tail and resolves with the exit', async () => {
    const logFile = path.join(dir, 'echo.log');
    const seen: string[] = [];
    const proc = Proc.spawn(process.execPath, ['-e', 'console.log("hello"); console.error("there"); process.exit(3)'], {
      logFile,
      onOutput: (text) => seen.push(text),
    });
    expect(await proc.exited).toEqual({ code: 3, signal: null });
    expect(proc.running).toBe(false);
    await until('the output to be read', () => /there/.test(proc.tail()), 5000);
    expect(proc.tail()).toMatch(/hello\n[^]*there|there\n[^]*hello/);
    expect(seen.join('')).toBe(proc.tail());
    await until('the log to hold both lines', () => /hello/.test(readFileSync(logFile, 'utf8')) && /there/.test(readFileSync(logFile, 'utf8')), 5000);
  });

  it('stops with SIGKILL what ignores the first signal', async () => {
    const proc = Proc.spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => console.log("ignored")); console.log("up"); setInterval(() => {}, 1000)'], {
      logFile: path.join(dir, 'stubborn.log'),
    });
    await until('the child to be up', () => proc.tail().includes('up'), 10_000);
    expect(await proc.stop('SIGTERM', 200)).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('starts a server, waits for its readiness, and reports one that exits first', async () => {
    const entry = path.join(dir, 'server.js');
    writeFileSync(
      entry,
      `if (process.env.FAIL) { console.error('no database'); process.exit(1); }
       require('node:http').createServer((req, res) => res.writeHead(req.url === '/api/health/ready' ? 200 : 404).end()).listen(Number(process.env.PORT), '127.0.0.1');`,
    );
    const server = await startApiServer({ entry, env: { PORT: String(await freePort()) }, logFile: path.join(dir, 'server.log'), readyIntervalMs: 20 });
    expect((await fetch(`${server.url}/api/health/ready`)).status).toBe(200);
    expect(await server.proc.stop()).toEqual({ code: null, signal: 'SIGTERM' });

    await expect(
      startApiServer({ entry, env: { PORT: String(await freePort()), FAIL: '1' }, logFile: path.join(dir, 'failing.log'), readyIntervalMs: 20 }),
    ).rejects.toThrow(/API server exited \(1\) before it was ready; log .*failing\.log:\n[^]*no database/);
  });
});
