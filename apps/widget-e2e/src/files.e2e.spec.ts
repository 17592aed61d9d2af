import { deflateSync } from 'node:zlib';
import { type Message, ServerEvent } from '@parley/contracts';
import { createRestClient } from '@parley/rest-client';
import { until } from '@parley/test-support';
import type { BrowserContext } from 'playwright-core';
import { launch, visitor, WAIT, Widget } from './support/browser';
import { consoleAgent } from './support/console';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A real PNG of `w`×`h` pixels in one colour, so the browser has something to decode. */
function png(w: number, h: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** A small, valid PDF. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** The visitor starts a chat in the widget; the console agent claims it and opens it. */
async function conversation(suite: ReturnType<typeof widgetSuite>, agentContext: BrowserContext, visitorName: string, agentName: string) {
  const s = stack();
  const me = visitor(visitorName);
  const w = await Widget.open(suite.context, `${s.host}/`);
  await w.startChat(me.name, me.email);
  const thread = await suite.agent.threadOf(me.email);
  // The suite's admin follows the thread too, to see what is stored.
  await suite.agent.join(thread.id);
  const agent = await consoleAgent(agentContext, agentName, 'files');
  await createRestClient({ origin: s.api, token: () => agent.token })('post /threads/{id}/claim', { params: { id: thread.id }, body: {} });
  await agent.page.goto(`${s.api}/mine/${thread.id}`, WAIT);
  await agent.page.locator('app-composer textarea').waitFor(WAIT);
  await w.frame.locator('.agent-name').waitFor(WAIT);
  return { w, agent, thread };
}

/** Files both ways between the widget and the console, in Chromium. */
describe('files in conversations', () => {
  const s = stack();
  const suite = widgetSuite();
  let agentContext: BrowserContext;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    const browser = await launch();
    closeBrowser = () => browser.close();
    agentContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  });
  afterAll(async () => {
    await closeBrowser?.();
  });

  it('a visitor pastes a screenshot; the agent sees its thumbnail and opens it in the lightbox', async () => {
    const { w, agent, thread } = await conversation(suite, agentContext, 'Petra', 'Pia');
    const shot = png(64, 40, [220, 40, 40]);
    // A paste as the browser delivers one: a ClipboardEvent whose DataTransfer holds a PNG file.
    await w.frame.locator('#pw-message').evaluate((box, bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'image.png', { type: 'image/png' }));
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, [...shot]);
    await w.frame.locator('.tray .file .ready').waitFor(WAIT);
    await w.send('this error');
    const sent = await suite.agent.waitFor(ServerEvent.MessageCreated, (m: Message) => m.threadId === thread.id && m.attachments.length === 1);
    expect(sent.body).toBe('this error');
    expect(sent.attachments[0]).toMatchObject({ contentType: 'image/png', width: 64, height: 40 });
    // The visitor sees their own screenshot too; in the widget, Escape closes the image, not the popup.
    const own = w.frame.locator('.log .thumb');
    await own.locator('img').waitFor(WAIT);
    await own.click(WAIT);
    await w.frame.locator('.lightbox img').waitFor(WAIT);
    // Everything the iframe tells the host page from now on is recorded there.
    await w.page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      window.addEventListener('message', (e) => seen.push(JSON.stringify(e.data)));
    });
    await w.frame.locator('.lightbox .lb-close').press('Escape');
    await w.frame.locator('.lightbox').waitFor({ state: 'detached', ...WAIT });
    // A marker posted after the Escape: messages from one window arrive in order, so once it is
    // there, a "hide the popup" sent on Escape would be there before it.
    await w.frame.locator('body').evaluate(() => parent.postMessage({ marker: 'after-escape' }, '*'));
    await until('the marker reached the host page', () => w.page.evaluate(() => (window as unknown as { seen: string[] }).seen.some((m) => m.includes('after-escape'))), WAIT.timeout, 50);
    expect(await w.page.evaluate(() => (window as unknown as { seen: string[] }).seen.filter((m) => m.includes('popup.hide')))).toEqual([]);
    expect(await w.popup.isVisible()).toBe(true);
    expect(await own.evaluate((el) => el === document.activeElement)).toBe(true);

    const thumb = agent.page.getByTestId('thumbnail');
    await thumb.locator('img').waitFor(WAIT);
    await thumb.click(WAIT);
    const box = agent.page.getByTestId('lightbox');
    await box.waitFor(WAIT);
    const full = box.locator('img');
    await until('the full image decoded', () => full.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), WAIT.timeout, 100);
    expect(await full.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([64, 40]);
    expect(await agent.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Close image');
    // Modal: Tab keeps the focus inside.
    await agent.page.keyboard.press('Tab');
    expect(await agent.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Close image');
    await agent.page.keyboard.press('Escape');
    await box.waitFor({ state: 'detached', ...WAIT });
    expect(await thumb.evaluate((el) => el === document.activeElement)).toBe(true);
    // The close button closes it as well.
    await thumb.click(WAIT);
    await agent.page.getByRole('button', { name: 'Close image' }).click(WAIT);
    await box.waitFor({ state: 'detached', ...WAIT });
    expect(agent.problems).toEqual([]);
    expect(w.problems).toEqual([]);
  });

  it('the agent attaches a PDF with the button; the visitor sees its chip and downloads the same bytes', async () => {
    const { w, agent, thread } = await conversation(suite, agentContext, 'Dora', 'Dan');
    await agent.page.getByTestId('file-input').setInputFiles({ name: 'invoice-2026.pdf', mimeType: 'application/pdf', buffer: PDF });
    const item = agent.page.getByTestId('tray-item');
    await item.getByText('Ready').waitFor(WAIT);
    await agent.page.getByRole('button', { name: 'Send' }).click(WAIT);
    await item.waitFor({ state: 'detached', ...WAIT });
    await suite.agent.waitFor(ServerEvent.MessageCreated, (m: Message) => m.threadId === thread.id && m.attachments.some((a) => a.name === 'invoice-2026.pdf'));

    const chip = w.frame.locator('.chip', { hasText: 'invoice-2026.pdf' });
    await chip.waitFor(WAIT);
    expect((await chip.locator('.name').textContent())?.trim()).toBe('invoice-2026.pdf');
    expect((await chip.locator('.size').textContent())?.trim()).toBe(`${PDF.length} B`);
    const [download] = await Promise.all([w.page.waitForEvent('download', WAIT), chip.click(WAIT)]);
    expect(download.suggestedFilename()).toBe('invoice-2026.pdf');
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    expect(Buffer.compare(readFileSync(path), PDF)).toBe(0);
    expect(w.problems).toEqual([]);
  });

  it('a visitor drops two files on the widget while waiting; they stay through the claim and go in one message with the text', async () => {
    const me = visitor('Dirk');
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.startChat(me.name, me.email);
    const thread = await suite.agent.threadOf(me.email);
    const shot = png(8, 8, [0, 120, 200]);
    await w.frame.locator('form.composer').evaluate(
      (form, { image, text }) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(image)], 'drop.png', { type: 'image/png' }));
        data.items.add(new File([text], 'notes.txt', { type: 'text/plain' }));
        form.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
        form.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      { image: [...shot], text: 'order 1234, size M' },
    );
    await until('both dropped files uploaded', async () => (await w.frame.locator('.tray .file .ready').count()) === 2, WAIT.timeout, 100);
    // An agent claims the thread meanwhile: the files are still there to send.
    await suite.agent.claim(thread.id);
    await w.frame.locator('.agent-name').waitFor(WAIT);
    expect(await w.frame.locator('.tray .file .ready').count()).toBe(2);
    await w.send('two files');
    const m = await suite.agent.waitFor(ServerEvent.MessageCreated, (x: Message) => x.threadId === thread.id && x.attachments.length === 2);
    expect(m.body).toBe('two files');
    expect(m.attachments.map((a) => [a.name, a.contentType])).toEqual([
      ['drop.png', 'image/png'],
      ['notes.txt', 'text/plain; charset=utf-8'],
    ]);
    await w.frame.locator('.log .chip', { hasText: 'notes.txt' }).waitFor(WAIT);
    expect(w.problems).toEqual([]);
  });

  it('a refused or cut-off upload says why next to the composer; remove drops it, retry sends it', async () => {
    const { agent, thread } = await conversation(suite, agentContext, 'Rita', 'Rob');
    const input = agent.page.getByTestId('file-input');
    // Bytes of no allowed type: the server answers 415.
    await input.setInputFiles({ name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x01]) });
    const error = agent.page.getByTestId('file-error');
    await error.filter({ hasText: '“setup.exe” is a kind of file that cannot be sent' }).waitFor(WAIT);
    await expect(agent.page.getByRole('button', { name: 'Send' }).isDisabled()).resolves.toBe(true);
    await agent.page.getByRole('button', { name: 'Remove setup.exe' }).click(WAIT);
    await agent.page.getByTestId('tray-item').waitFor({ state: 'detached', ...WAIT });
    await expect(error.count()).resolves.toBe(0);

    // The connection drops during the first upload; Retry sends the same file again.
    let cut = 0;
    await agent.page.route('**/uploads', async (route) => {
      if (cut++ === 0) return route.abort('connectionreset');
      return route.continue();
    });
    await agent.page.locator('app-composer textarea').fill('here are the steps');
    await input.setInputFiles({ name: 'steps.txt', mimeType: 'text/plain', buffer: Buffer.from('1. open the box\n2. read the card\n') });
    await error.filter({ hasText: '“steps.txt” could not be sent: the connection was lost' }).waitFor(WAIT);
    // What was written is still there.
    expect(await agent.page.locator('app-composer textarea').inputValue()).toBe('here are the steps');
    await agent.page.getByRole('button', { name: 'Retry' }).click(WAIT);
    await agent.page.getByTestId('tray-item').getByText('Ready').waitFor(WAIT);
    await expect(error.count()).resolves.toBe(0);
    await agent.page.getByRole('button', { name: 'Send' }).click(WAIT);
    const m = await suite.agent.waitFor(ServerEvent.MessageCreated, (x: Message) => x.threadId === thread.id && x.attachments.length === 1);
    expect([m.body, m.attachments[0]?.name]).toEqual(['here are the steps', 'steps.txt']);
    expect(cut).toBe(2);
  });
});
