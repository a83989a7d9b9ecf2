import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * An onRequest hook for machine-facing operator endpoints (metrics, the payload codec): with a
 * token configured, the request must carry `Authorization: Bearer <token>`; without one they are
 * open, as on the local stack.
 */
export function operatorGuard(accessToken: string | undefined, realm: string) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!accessToken || req.method === 'OPTIONS') return;
    if (!bearerMatches(req.headers.authorization, accessToken)) {
      return reply.code(401).header('www-authenticate', `Bearer realm="${realm}"`).send({ error: 'a valid operator access token is required' });
    }
  };
}

function bearerMatches(header: string | undefined, expected: string): boolean {
  const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  if (!given) return false;
  // Hashing first gives equal lengths, so the comparison takes the same time whatever was sent.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
