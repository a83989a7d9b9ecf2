import { z } from 'zod';
import { REPLY_CATEGORIES } from './categories';
import { REPLY_CHANNELS } from './classify';

/** One reply as it arrives in a JSON Lines batch (the classify CLI's input). */
export const replyRecordSchema = z.object({
  id: z.string().min(1),
  channel: z.enum(REPLY_CHANNELS),
  text: z.string(),
  rating: z.number().int().min(1).max(5).optional(),
});
export type ReplyRecord = z.infer<typeof replyRecordSchema>;

/** A reply with the category a person gave it (the evaluation set). */
export const labelledReplySchema = replyRecordSchema.extend({
  expected: z.enum(REPLY_CATEGORIES),
});
export type LabelledReply = z.infer<typeof labelledReplySchema>;

/** "channel: Invalid option…; rating: Too big…" — names the offending fields for an operator. */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(record)'}: ${i.message}`).join('; ');
}
