import { findMentions } from './notes';

describe('findMentions', () => {
  const ann = { id: 'a', name: 'Ann' };
  const annLee = { id: 'b', name: 'Ann Lee' };
  const bo = { id: 'c', name: 'Bo' };
  const agents = [ann, annLee, bo];

  it('takes the longest active agent name after @, in any case', () => {
    expect(findMentions('@ann lee can you look?', agents)).toEqual([annLee]);
    expect(findMentions('@ANN can you look?', agents)).toEqual([ann]);
  });

  it('needs the name to end where a word ends, and the @ to start one', () => {
    expect(findMentions('@annabel', agents)).toEqual([]);
    expect(findMentions('mail ann@bo.test', agents)).toEqual([]);
    expect(findMentions('(@Bo), @Ann.', agents)).toEqual([bo, ann]);
  });

  it('names each agent once, in order of first mention, and nobody for a bare @', () => {
    expect(findMentions('@Bo @Ann Lee @bo @ @', agents)).toEqual([bo, annLee]);
    expect(findMentions('no mention here', agents)).toEqual([]);
  });
});
