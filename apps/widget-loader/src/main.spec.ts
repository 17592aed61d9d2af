describe('widget.js', () => {
  it('defines window.Parley and no other global, and draws once the page has loaded', async () => {
    const script = document.createElement('script');
    script.src = 'http://127.0.0.1:3000/widget.js';
    document.head.appendChild(script);
    const fetcher = jest.fn().mockResolvedValue({ ok: true, json: async () => ({ title: 'Hi', greetingLines: [], color: '#123456' }) });
    window.fetch = fetcher as unknown as typeof fetch;
    const before = new Set(Object.keys(window));
    await import('./main.js');
    const added = Object.keys(window).filter((k) => !before.has(k));
    expect(added).toEqual(['Parley']);
    expect(typeof window.Parley?.open).toBe('function');
    // jsdom's document is complete: the loader waits for the browser to be idle, then reads the settings
    // and draws; wait for the drawing itself rather than for a guessed time.
    await drawn();
    expect(fetcher).toHaveBeenCalledWith('http://127.0.0.1:3000/api/v1/widget/settings', { credentials: 'omit' });
    expect(document.querySelector('parley-widget')).toBeTruthy();
  });
});

/** Resolves once the loader has put its element on the page (jest's test timeout bounds it). */
async function drawn(): Promise<void> {
  while (!document.querySelector('parley-widget')) await new Promise<void>((resolve) => setTimeout(resolve, 10));
}
