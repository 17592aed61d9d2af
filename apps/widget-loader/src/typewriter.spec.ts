import { typeLines } from './typewriter';

describe('typeLines', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());
  const spans = () => [document.createElement('span'), document.createElement('span')];

  it('types the lines letter by letter, one after the other', () => {
    const [a, b] = spans();
    typeLines([a, b], ['Hi!', 'Yes'], false, 20, 100);
    jest.advanceTimersByTime(0);
    expect(a.textContent).toBe('H');
    jest.advanceTimersByTime(20);
    expect(a.textContent).toBe('Hi');
    jest.advanceTimersByTime(40);
    expect(a.textContent).toBe('Hi!');
    expect(b.textContent).toBe('');
    jest.advanceTimersByTime(100);
    expect(b.textContent).toBe('Y');
    jest.advanceTimersByTime(1000);
    expect([a.textContent, b.textContent]).toEqual(['Hi!', 'Yes']);
  });

  it('stops when asked and starts over from empty lines', () => {
    const [a, b] = spans();
    a.textContent = 'old';
    const stop = typeLines([a, b], ['Hello', 'there'], false);
    expect(a.textContent).toBe('');
    jest.advanceTimersByTime(30);
    stop();
    const typed = a.textContent;
    jest.advanceTimersByTime(1000);
    expect(a.textContent).toBe(typed);
    expect(b.textContent).toBe('');
  });

  it('shows everything at once for reduced motion, as text', () => {
    const [a, b] = spans();
    typeLines([a, b], ['<b>bold</b>', 'x'], true);
    expect(a.textContent).toBe('<b>bold</b>');
    expect(a.children).toHaveLength(0);
    expect(b.textContent).toBe('x');
  });
});
