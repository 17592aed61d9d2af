import { chromiumPath, waitForChromium } from './chromium';

describe('chromium', () => {
  const saved = process.env.CHROMIUM_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = saved;
  });

  it("is Debian's Chromium unless CHROMIUM_PATH names another", () => {
    delete process.env.CHROMIUM_PATH;
    expect(chromiumPath()).toBe('/usr/bin/chromium');
    process.env.CHROMIUM_PATH = '/opt/chrome/chrome';
    expect(chromiumPath()).toBe('/opt/chrome/chrome');
  });

  it('waits a bounded time for the executable, then says how to get one', async () => {
    await expect(waitForChromium({ file: __filename, timeoutMs: 10 })).resolves.toBe(__filename);
    await expect(waitForChromium({ file: `${__filename}.missing`, timeoutMs: 10 })).rejects.toThrow(/not found after .*CHROMIUM_PATH/);
  });
});
