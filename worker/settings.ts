import type { ActivitySettings } from '../activities';
import type { Config } from '../config';

export function activitySettings(config: Config): ActivitySettings {
  if (!config.PII_SEALING_KEY) throw new Error('PII_SEALING_KEY is required (32 bytes, base64)');
  return {
    piiSealingKey: config.PII_SEALING_KEY,
    publicBaseUrl: config.PUBLIC_BASE_URL.replace(/\/$/, ''),
    inboundEmailDomain: config.SENDGRID_INBOUND_DOMAIN,
    defaultTimeZone: config.DEFAULT_TIME_ZONE,
    contactHours: { start: config.CONTACT_HOURS_START, end: config.CONTACT_HOURS_END },
    incentivePoints: config.INCENTIVE_POINTS,
    classifierReviewThreshold: config.CLASSIFIER_REVIEW_THRESHOLD,
    whatsappTemplates: { survey: config.TWILIO_WHATSAPP_SURVEY_CONTENT_SID, reminder: config.TWILIO_WHATSAPP_REMINDER_CONTENT_SID },
  };
}
