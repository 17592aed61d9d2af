import { type AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server for a test (smtp-server from the nodemailer project), on a free port of 127.0.0.1 (or the port given, to come back where
 * it was): it parses every mail it takes with mailparser. No TLS and no login, like a local relay.
 */
export class TestSmtp {
  readonly mails: ParsedMail[] = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(port = 0): Promise<TestSmtp> {
    const mails: ParsedMail[] = [];
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            mails.push(mail);
            callback();
          },
          (err: Error) => callback(err),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const smtp = new TestSmtp(server, (server.server.address() as AddressInfo).port);
    // One list for the life of the test object, whatever server instance fills it.
    (smtp as { mails: ParsedMail[] }).mails = mails;
    return smtp;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Mails to `address` (and of `subject`, when given). */
  to(address: string, subject?: RegExp): ParsedMail[] {
    return this.mails.filter((m) => addresses(m).includes(address.toLowerCase()) && (!subject || subject.test(m.subject ?? '')));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function addresses(m: ParsedMail): string[] {
  const to = m.to === undefined ? [] : Array.isArray(m.to) ? m.to : [m.to];
  return to.flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
}

/** The secret of a link in a mail's text: `#<fragment>=<token>`. */
export function linkToken(mail: ParsedMail, fragment: string): string {
  const match = new RegExp(`#${fragment}=([A-Za-z0-9_-]+)`).exec(mail.text ?? '');
  if (!match) throw new Error(`no ${fragment} link in the mail: ${mail.text ?? ''}`);
  return match[1];
}
