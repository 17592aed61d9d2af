import type { CannedResponse } from '@parley/contracts';

/** The `/word` being typed at the caret: where it starts (the slash), where it ends, and the word. */
export interface SlashQuery {
  start: number;
  end: number;
  query: string;
}

/**
 * The picker opens on a `/` at the start of the text or after white space, and follows the word
 * typed after it (no white space: a space closes it, so "and/or" or a URL never opens it).
 */
export function slashQueryAt(text: string, caret: number): SlashQuery | null {
  const before = text.slice(0, caret);
  const match = /(?:^|\s)\/([^\s/]{0,64})$/.exec(before);
  if (!match) return null;
  const word = match[1] ?? '';
  return { start: caret - word.length - 1, end: caret, query: word.toLowerCase() };
}

/**
 * The replies that match what was typed after `/`, best first: shortcuts that start with it, then
 * shortcuts that contain it, then titles that contain it; within each, the order given (the
 * agent's own before the shared ones). An empty query lists everything.
 */
export function filterCanned(items: readonly CannedResponse[], query: string, limit = 8): CannedResponse[] {
  const q = query.toLowerCase();
  const rank = (c: CannedResponse): number => {
    if (c.shortcut.startsWith(q)) return 0;
    if (c.shortcut.includes(q)) return 1;
    if (c.title.toLowerCase().includes(q)) return 2;
    return 3;
  };
  return items
    .map((c, i) => ({ c, i, r: rank(c) }))
    .filter((x) => x.r < 3)
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .slice(0, limit)
    .map((x) => x.c);
}

/** What the variables of a reply stand for in the conversation it is inserted into. */
export interface CannedContext {
  visitor: { name: string; email: string };
  agent: { name: string };
}

const VARIABLE = /\{\{\s*(visitor\.name|visitor\.email|agent\.name)\s*\}\}/g;

/** The reply's text with its variables filled in; an unknown `{{...}}` stays as written. */
export function fillVariables(body: string, ctx: CannedContext): string {
  return body.replace(VARIABLE, (_all, name: string) => {
    switch (name) {
      case 'visitor.name':
        return ctx.visitor.name;
      case 'visitor.email':
        return ctx.visitor.email;
      default:
        return ctx.agent.name;
    }
  });
}

/** The text with the `/word` replaced by the reply, and where the caret goes (after it). */
export function insertReply(text: string, at: SlashQuery, reply: string): { text: string; caret: number } {
  return { text: text.slice(0, at.start) + reply + text.slice(at.end), caret: at.start + reply.length };
}
