import { highlightParts, searchWords } from './highlight';

describe('highlightParts', () => {
  it('marks every place the term occurs, whatever its case, and keeps the rest as it is', () => {
    expect(highlightParts('Tracking ZX-991, again zx-991.', 'zx-991')).toEqual([
      { text: 'Tracking ', hit: false },
      { text: 'ZX-991', hit: true },
      { text: ', again ', hit: false },
      { text: 'zx-991', hit: true },
      { text: '.', hit: false },
    ]);
  });

  it('takes the term as text, not as a pattern', () => {
    expect(highlightParts('a.b (c) a*b', 'a*b')).toEqual([
      { text: 'a.b (c) ', hit: false },
      { text: 'a*b', hit: true },
    ]);
  });

  it('gives the whole text as one plain part without a term or a match', () => {
    expect(highlightParts('<b>hi</b>', '')).toEqual([{ text: '<b>hi</b>', hit: false }]);
    expect(highlightParts('<b>hi</b>', 'zz')).toEqual([{ text: '<b>hi</b>', hit: false }]);
  });

  it('marks each word of a search too, the longest match first', () => {
    expect(highlightParts('Order 1234 is late; the order was big', 'order 1234', searchWords('order 1234'))).toEqual([
      { text: 'Order 1234', hit: true },
      { text: ' is late; the ', hit: false },
      { text: 'order', hit: true },
      { text: ' was big', hit: false },
    ]);
    expect(searchWords('Grüße, ПРИВЕТ! jdoe@exa')).toEqual(['grüße', 'привет', 'jdoe', 'exa']);
  });
});
