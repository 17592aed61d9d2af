import { eventually, StopWaiting, until } from './wait';

describe('eventually', () => {
  it('retries a failing check until it passes, and returns its value', async () => {
    let calls = 0;
    const value = await eventually(() => {
      calls += 1;
      expect(calls).toBe(3);
      return 'third';
    }, 5000, 1);
    expect({ value, calls }).toEqual({ value: 'third', calls: 3 });
  });

  it('throws the last failure once the time is up', async () => {
    let calls = 0;
    await expect(
      eventually(() => {
        calls += 1;
        throw new Error(`failure ${calls}`);
      }, 20, 1),
    ).rejects.toThrow(new RegExp(`^failure ${'\\d+'}$`));
    expect(calls).toBeGreaterThan(1);
  });

  it('stops at once on StopWaiting', async () => {
    let calls = 0;
    await expect(
      eventually(() => {
        calls += 1;
        throw new StopWaiting('gone');
      }, 5000, 1),
    ).rejects.toThrow('gone');
    expect(calls).toBe(1);
  });
});

describe('until', () => {
  it('polls until the probe gives a value; undefined, false and a throw mean "not yet"', async () => {
    const answers: unknown[] = [undefined, false, new Error('boom'), 0];
    const value = await until(
      'a value',
      () => {
        const next = answers.shift();
        if (next instanceof Error) throw next;
        return next as number | undefined | false;
      },
      5000,
      1,
    );
    expect(value).toBe(0);
    expect(answers).toEqual([]);
  });

  it('names what it waited for and the last failure when the time is up', async () => {
    await expect(
      until(
        'the moon',
        () => {
          throw new Error('cloudy');
        },
        20,
        1,
      ),
    ).rejects.toThrow('timed out after 20 ms waiting for the moon (last: cloudy)');
  });

  it('passes StopWaiting through with its own message', async () => {
    await expect(
      until(
        'a dead process',
        () => {
          throw new StopWaiting('it exited');
        },
        5000,
      ),
    ).rejects.toThrow(/^it exited$/);
  });
});
