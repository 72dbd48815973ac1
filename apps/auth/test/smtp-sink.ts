import { createServer, type Server, type Socket } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** Headers by lower-case name (the last one wins). */
  headers: Record<string, string>;
  /** The body with quoted-printable soft breaks and escapes undone. */
  text: string;
}

/**
 * A tiny SMTP server for tests (RFC 5321's plain path: EHLO, MAIL, RCPT, DATA, QUIT; no TLS, no
 * auth) that keeps every mail it is given, so a test can read what a person would receive.
 */
export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<SmtpSink> {
    let sink: SmtpSink | undefined;
    const server = createServer((socket) => sink?.serve(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    sink = new SmtpSink(server, typeof address === 'object' && address ? address.port : 0);
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const reply = (line: string) => socket.write(`${line}\r\n`);
    let buffer = '';
    let envelope: { from: string; to: string[] } = { from: '', to: [] };
    let data: string[] | undefined;
    reply('220 sink.test ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (data) {
          if (line === '.') {
            this.mails.push(parseMail(envelope, data));
            data = undefined;
            envelope = { from: '', to: [] };
            reply('250 queued');
          } else {
            data.push(line.startsWith('..') ? line.slice(1) : line);
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') {
          reply('250-sink.test');
          reply('250 8BITMIME');
        } else if (verb === 'HELO' || verb === 'RSET' || verb === 'NOOP') {
          reply('250 ok');
        } else if (verb === 'MAIL') {
          envelope.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          reply('250 ok');
        } else if (verb === 'RCPT') {
          envelope.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 ok');
        } else if (verb === 'DATA') {
          data = [];
          reply('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else {
          reply('502 not implemented');
        }
      }
    });
  }
}

function parseMail(envelope: { from: string; to: string[] }, lines: string[]): ReceivedMail {
  const blank = lines.indexOf('');
  const headerLines = blank >= 0 ? lines.slice(0, blank) : lines;
  const headers: Record<string, string> = {};
  let last = '';
  for (const line of headerLines) {
    if (/^\s/.test(line) && last) headers[last] += ` ${line.trim()}`;
    else {
      const colon = line.indexOf(':');
      last = line.slice(0, colon).toLowerCase();
      headers[last] = line.slice(colon + 1).trim();
    }
  }
  let text = blank >= 0 ? lines.slice(blank + 1).join('\r\n') : '';
  if (/quoted-printable/i.test(headers['content-transfer-encoding'] ?? '')) {
    text = text.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex) => String.fromCharCode(parseInt(hex, 16)));
  }
  return { ...envelope, headers, text };
}
