import type { FastifyRequest } from 'fastify';

export interface SkippedAttachment {
  field: string;
  filename: string;
  type: string;
  /** Bytes SendGrid sent for it (up to the limit; `truncated` when it was larger). */
  bytes: number;
  truncated: boolean;
}

export interface InboundParseBody {
  fields: Record<string, string>;
  /** Attachments are never kept: only what they were, for whoever reads the reply. */
  attachments: SkippedAttachment[];
  /** Fields cut at the field size limit. */
  truncatedFields: string[];
  /** The body broke a parts limit or ended early; what came before is kept. */
  incomplete: boolean;
}

/**
 * Reads a SendGrid Inbound Parse post (multipart, one part per field, files after). Nothing it
 * can contain is refused: attachments are read to their end and dropped, an oversized field is
 * cut, and a body that breaks a limit keeps what came before, because SendGrid drops for good
 * anything it gets a 4xx for.
 */
export async function readInboundParse(req: FastifyRequest): Promise<InboundParseBody> {
  const body: InboundParseBody = { fields: {}, attachments: [], truncatedFields: [], incomplete: false };
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        let bytes = 0;
        for await (const chunk of part.file) bytes += (chunk as Buffer).length;
        body.attachments.push({ field: part.fieldname, filename: part.filename, type: part.mimetype, bytes, truncated: part.file.truncated });
        continue;
      }
      if (part.valueTruncated) body.truncatedFields.push(part.fieldname);
      body.fields[part.fieldname] = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
    }
  } catch (err) {
    req.log.warn({ err: (err as Error).message }, 'Inbound Parse body read partly; keeping what came before');
    body.incomplete = true;
  }
  return body;
}
