import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageLanguage } from '../../pages/html';
import { consolePage, type ConsoleFrame } from '../../pages/console/layout';
import { consoleLanguage } from './session';
import type { ConsoleDeps } from './settings';

export const FLASH_COOKIE = 'console_flash';
type Flash = NonNullable<ConsoleFrame['flash']>;

/** What every console route module gets: its dependencies and the way pages are answered. */
export interface ConsoleContext {
  deps: ConsoleDeps;
  language(req: FastifyRequest, reply: FastifyReply): PageLanguage;
  /** Answers with a console page for the signed-in operator, with any flash left by the last post. */
  render(req: FastifyRequest, reply: FastifyReply, status: number, frame: Omit<ConsoleFrame, 'language' | 'path' | 'viewer'> & { language: PageLanguage }, body: string): FastifyReply;
  /** After a post that worked: a line to show on the next page, and a redirect to it (303, so a reload does not post again). */
  redirectWith(reply: FastifyReply, location: string, flash: Flash): FastifyReply;
}

export function consoleContext(deps: ConsoleDeps): ConsoleContext {
  return {
    deps,
    language: consoleLanguage,
    render(req, reply, status, frame, body) {
      let flash = frame.flash;
      const left = req.cookies[FLASH_COOKIE];
      if (left) {
        reply.clearCookie(FLASH_COOKIE, { path: '/' });
        const unsigned = req.unsignCookie(left);
        if (!flash && unsigned.valid && unsigned.value) flash = parseFlash(unsigned.value);
      }
      const viewer = req.operator && { displayName: req.operator.displayName, csrfToken: req.operator.csrfToken };
      return reply.code(status).type('text/html; charset=utf-8').send(consolePage({ ...frame, flash, viewer, path: req.url }, body));
    },
    redirectWith(reply, location, flash) {
      reply.setCookie(FLASH_COOKIE, JSON.stringify(flash), { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', signed: true, maxAge: 60 });
      return reply.redirect(location, 303);
    },
  };
}

function parseFlash(value: string): Flash | undefined {
  try {
    const f = JSON.parse(value) as Flash;
    return (f.kind === 'ok' || f.kind === 'error') && typeof f.message === 'string' ? { kind: f.kind, message: f.message.slice(0, 500) } : undefined;
  } catch {
    return undefined;
  }
}

/** A form field as text: formbody gives an array when a name repeats, and nothing when it is missing. */
export function field(body: unknown, name: string): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}
