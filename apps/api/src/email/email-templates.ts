/** What a mail says: plain text, and the same as simple HTML. Every piece of user text is escaped in the HTML. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

export interface MailLine {
  authorName: string;
  body: string;
  at: Date;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** One-line text for a subject or a name: no line breaks (no header injection). */
function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').trim();
}

function page(site: string, inner: string): string {
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2933;max-width:560px">` +
    `<h2 style="font-size:18px">${escapeHtml(site)}</h2>${inner}</body></html>`;
}

function linesText(lines: readonly MailLine[]): string {
  return lines.map((l) => `${oneLine(l.authorName)} (${l.at.toISOString().slice(0, 16).replace('T', ' ')} UTC):\n${l.body}`).join('\n\n');
}

function linesHtml(lines: readonly MailLine[]): string {
  return lines
    .map((l) => `<p><strong>${escapeHtml(oneLine(l.authorName))}</strong> <small>${escapeHtml(l.at.toISOString().slice(0, 16).replace('T', ' '))} UTC</small><br>${escapeHtml(l.body).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

function button(href: string, label: string): string {
  return `<p><a href="${escapeHtml(href)}" style="display:inline-block;padding:8px 14px;background:#2563eb;color:#fff;text-decoration:none;border-radius:6px">${escapeHtml(label)}</a></p>`;
}

/** The agent's unread messages, with the link that reopens the conversation. */
export function digestMail(site: string, lines: readonly MailLine[], resumeUrl: string): MailContent {
  const s = oneLine(site);
  return {
    subject: `New reply from ${s}`,
    text: `You have ${lines.length === 1 ? 'a new message' : `${lines.length} new messages`} from ${s}:\n\n${linesText(lines)}\n\nContinue the conversation: ${resumeUrl}\n(The link works once.)\n`,
    html: page(s, `<p>You have ${lines.length === 1 ? 'a new message' : `${lines.length} new messages`}:</p>${linesHtml(lines)}${button(resumeUrl, 'Continue the conversation')}<p><small>The link works once.</small></p>`),
  };
}

export function confirmationMail(site: string, confirmUrl: string): MailContent {
  const s = oneLine(site);
  return {
    subject: `Confirm your email address for ${s}`,
    text: `You gave this address in the chat of ${s}. To get replies and transcripts by email, confirm it:\n\n${confirmUrl}\n\nIf it was not you, ignore this mail: nothing more will be sent.\n`,
    html: page(s, `<p>You gave this address in the chat of ${escapeHtml(s)}. To get replies and transcripts by email, confirm it:</p>${button(confirmUrl, 'Confirm my address')}<p><small>If it was not you, ignore this mail: nothing more will be sent.</small></p>`),
  };
}

export function transcriptMail(site: string, lines: readonly MailLine[]): MailContent {
  const s = oneLine(site);
  return {
    subject: `Your conversation with ${s}`,
    text: `The transcript of your conversation with ${s}:\n\n${linesText(lines)}\n`,
    html: page(s, `<p>The transcript of your conversation:</p>${linesHtml(lines)}`),
  };
}
