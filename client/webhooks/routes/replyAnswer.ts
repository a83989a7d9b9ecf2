import type { FastifyReply } from 'fastify';
import type { InboxStatus } from '../../../db/queries/inbox';

/**
 * How a webhook answers once a reply is stored: it is never an error once it is in the inbox. A
 * new reply is answered as stored (pending) and signalled after the answer; a repeat of one that
 * was passed on already says so.
 */
export function answerStoredReply(reply: FastifyReply, inboxId: number, status: InboxStatus) {
  switch (status) {
    case 'delivered':
      return reply.code(200).send({ status, inboxId });
    case 'late':
      return reply.code(200).send({ status, inboxId, note: 'the request is already closed; the reply is kept on record' });
    case 'unmatched':
      return reply.code(202).send({ status, inboxId, note: 'no open survey matches this reply; it is kept for review' });
    case 'pending':
      return reply.code(202).send({ status: 'stored', inboxId, note: "stored; it is passed on to the request's workflow after this answer" });
  }
}
