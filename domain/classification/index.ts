export { REPLY_CATEGORIES, isReplyCategory, ratingCategory, strongestCategory, type ReplyCategory } from './categories';
export {
  REPLY_CHANNELS,
  classifyReply,
  readReply,
  type ReplyChannel,
  type ReplyClassification,
  type ReplyInput,
  type RuleReading,
} from './classify';
export { visibleEmailText } from './emailBody';
export { extractGradedItems, GRADED_ITEMS, type GradedAnswers, type GradedItem } from './gradedItems';
export { extractRating, type ExtractedRating } from './rating';
export {
  describeZodError,
  labelledReplySchema,
  replyRecordSchema,
  type LabelledReply,
  type ReplyRecord,
} from './replySchema';
