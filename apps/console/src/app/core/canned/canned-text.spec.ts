import type { CannedResponse } from '@parley/contracts';
import { fillVariables, filterCanned, insertReply, slashQueryAt } from './canned-text';

function reply(shortcut: string, title: string, scope: CannedResponse['scope'] = 'personal'): CannedResponse {
  return { id: shortcut, scope, shortcut, title, body: `body of ${shortcut}`, ownerId: null, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
}

describe('slashQueryAt', () => {
  it('opens on a slash at the start or after white space, with the word typed after it', () => {
    expect(slashQueryAt('/', 1)).toEqual({ start: 0, end: 1, query: '' });
    expect(slashQueryAt('/ref', 4)).toEqual({ start: 0, end: 4, query: 'ref' });
    expect(slashQueryAt('Hi!\n/Ref', 8)).toEqual({ start: 4, end: 8, query: 'ref' });
    expect(slashQueryAt('thanks /sh more', 10)).toEqual({ start: 7, end: 10, query: 'sh' });
  });

  it('stays shut inside a word, a URL or a date, and once a space follows the word', () => {
    expect(slashQueryAt('and/or', 6)).toBeNull();
    expect(slashQueryAt('see https://x.io/a', 18)).toBeNull();
    expect(slashQueryAt('1/2', 3)).toBeNull();
    expect(slashQueryAt('/ref ', 5)).toBeNull();
    expect(slashQueryAt('/ref', 0)).toBeNull();
  });
});

describe('filterCanned', () => {
  const items = [reply('refund', 'Refund policy'), reply('ship', 'Shipping times'), reply('hello', 'Greeting', 'shared'), reply('pre-refund', 'Before a refund')];

  it('puts shortcuts that start with the query first, then those that contain it, then title matches', () => {
    expect(filterCanned(items, 'ref').map((c) => c.shortcut)).toEqual(['refund', 'pre-refund']);
    expect(filterCanned(items, 'greet').map((c) => c.shortcut)).toEqual(['hello']);
    expect(filterCanned(items, 'TIMES').map((c) => c.shortcut)).toEqual(['ship']);
    expect(filterCanned(items, 'zzz')).toEqual([]);
  });

  it('lists everything, in the given order, for an empty query, up to the limit', () => {
    expect(filterCanned(items, '').map((c) => c.shortcut)).toEqual(['refund', 'ship', 'hello', 'pre-refund']);
    expect(filterCanned(items, '', 2)).toHaveLength(2);
  });
});

describe('fillVariables and insertReply', () => {
  const ctx = { visitor: { name: 'Vera', email: 'vera@example.com' }, agent: { name: 'Alex' } };

  it('fills the three variables, with or without spaces, and leaves unknown ones as written', () => {
    expect(fillVariables('Hi {{visitor.name}} ({{ visitor.email }}), {{agent.name}} here. {{visitor.phone}}', ctx)).toBe(
      'Hi Vera (vera@example.com), Alex here. {{visitor.phone}}',
    );
  });

  it('does not read a filled-in value as a variable again', () => {
    expect(fillVariables('{{visitor.name}}', { ...ctx, visitor: { name: '{{agent.name}}', email: '' } })).toBe('{{agent.name}}');
  });

  it('replaces the /word with the reply and puts the caret after it', () => {
    const at = slashQueryAt('Thanks! /ref and more', 12) ?? { start: -1, end: -1, query: '' };
    expect(at).toEqual({ start: 8, end: 12, query: 'ref' });
    expect(insertReply('Thanks! /ref and more', at, 'Refunds take 5 days.')).toEqual({ text: 'Thanks! Refunds take 5 days. and more', caret: 28 });
  });
});
