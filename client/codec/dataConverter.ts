import type { DataConverter } from '@temporalio/common';
import type { Config } from '../../config';
import { parseKeyRing } from '../../config/payloadKeys';
import { EncryptionCodec } from './encryptionCodec';

/** The payload codec of this deployment, or undefined when PAYLOAD_ENCRYPTION_KEYS is unset. */
export function payloadCodecFor(config: Pick<Config, 'PAYLOAD_ENCRYPTION_KEYS'>): EncryptionCodec | undefined {
  return config.PAYLOAD_ENCRYPTION_KEYS ? new EncryptionCodec(parseKeyRing(config.PAYLOAD_ENCRYPTION_KEYS)) : undefined;
}

/** What every client and the worker hand to the SDK: the same codec, so each reads what the others wrote. */
export function dataConverterFor(config: Pick<Config, 'PAYLOAD_ENCRYPTION_KEYS'>): DataConverter | undefined {
  const codec = payloadCodecFor(config);
  return codec ? { payloadCodecs: [codec] } : undefined;
}

/** The webhook server's codec endpoint settings (client/webhooks/routes/codec.ts). */
export function codecEndpointFor(config: Pick<Config, 'PAYLOAD_ENCRYPTION_KEYS' | 'CODEC_CORS_ORIGINS'>) {
  const codec = payloadCodecFor(config);
  return codec ? { codec, corsOrigins: config.CODEC_CORS_ORIGINS } : undefined;
}
