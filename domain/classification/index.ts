export { REPLY_CATEGORIES, isReplyCategory, ratingCategory, strongestCategory, type ReplyCategory } from './categories';
export {
  REPLY_CHANNELS,
  classifyReply,
  type ReplyChannel,
  type ReplyClassification,
  type ReplyInput,
} from './classify';
export { visibleEmailText } from './emailBody';
export { extractRating, type ExtractedRating } from './rating';
export {
  describeZodError,
  labelledReplySchema,
  replyRecordSchema,
  type LabelledReply,
  type ReplyRecord,
} from './replySchema';
