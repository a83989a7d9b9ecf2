import { inTransaction } from '../db/pool';
import { grantOptIn } from '../db/queries/consent';
import { unsealContact, type Contact } from '../domain/pii';
import { toE164 } from '../domain/phone';
import type { RegisteredRequest, ServiceRequestInput } from '../workflows/types';
import { serviceRequestWorkflowId } from '../workflows/messages';
import type { ActivityDeps } from './deps';
import { invalidInput } from './errors';

/**
 * Stage 1. Stores the customer (new or known) and the request in one transaction. A new customer
 * must give an email address or a mobile number; a known customer without an email address is
 * flagged so the next message asks for one (KR claims 16-17). Safe to retry: the request id is the key.
 */
export function createIntakeActivities({ pool, settings, clock }: ActivityDeps) {
  async function registerServiceRequest(input: ServiceRequestInput): Promise<RegisteredRequest> {
    const contact = openContact(input.customer.sealedContact, settings.piiSealingKey);
    const start = new Date(input.wantedWindow.start);
    const end = new Date(input.wantedWindow.end);
    if (!(start < end)) throw invalidInput('wantedWindow.end must be after wantedWindow.start');
    if (end <= clock()) throw invalidInput('wantedWindow is already over');
    const optIns = input.customer.optIns ?? [];
    if (optIns.includes('marketing_night') && !optIns.includes('marketing')) throw invalidInput('customer.optIns: marketing_night needs marketing');

    return rejectingBadData(() => inTransaction(pool, async (db) => {
      const area = await db.query('SELECT service_centre_id, sc.time_zone FROM areas JOIN service_centres sc ON sc.id = service_centre_id WHERE code = $1', [input.customer.areaCode]);
      if (area.rowCount === 0) throw invalidInput(`customer.areaCode "${input.customer.areaCode}" is not served by any service centre`);
      const field = await db.query('SELECT 1 FROM product_fields WHERE code = $1', [input.product.field]);
      if (field.rowCount === 0) throw invalidInput(`product.field "${input.product.field}" is not a known product field`);
      const serviceCentreId: string = area.rows[0].service_centre_id;

      if (contact?.mobile) {
        const owner = await db.query('SELECT id FROM customers WHERE mobile = $1 AND id <> $2', [contact.mobile, input.customer.customerId]);
        if (owner.rowCount) throw invalidInput(`customer.contact.mobile is already registered to another customer (${owner.rows[0].id}); start the request with that customer id`);
      }
      const existing = await db.query('SELECT email FROM customers WHERE id = $1 FOR UPDATE', [input.customer.customerId]);
      const newCustomer = existing.rowCount === 0;
      if (newCustomer) {
        if (!contact) throw invalidInput('customer.contact is required for a new customer');
        if (!contact.email && !contact.mobile) throw invalidInput('a new customer needs customer.contact.email or customer.contact.mobile');
        const sensitivityClass = input.customer.sensitivityClass ?? 'standard';
        const known = await db.query('SELECT 1 FROM sensitivity_classes WHERE code = $1', [sensitivityClass]);
        if (known.rowCount === 0) throw invalidInput(`customer.sensitivityClass "${sensitivityClass}" is not a known sensitivity class`);
        await db.query(
          // Without an email address the customer is asked for one (KR claims 16-17): the customers
          // row's email_requested drives the asks in the choice page, the visit notice and the survey SMS.
          `INSERT INTO customers (id, name, email, mobile, language, time_zone, area_code, sensitivity_class, preferred_channel, email_requested)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $3::text IS NULL)`,
          [
            input.customer.customerId,
            contact.name,
            contact.email ?? null,
            contact.mobile ?? null,
            input.customer.language ?? 'ko',
            input.customer.timeZone ?? area.rows[0].time_zone,
            input.customer.areaCode,
            input.customer.sensitivityClass ?? 'standard',
            input.customer.preferredChannel ?? null,
          ],
        );
      } else {
        // A known customer may bring new details; what they give now fills what was missing.
        await db.query(
          `UPDATE customers SET email = COALESCE(email, $2), mobile = COALESCE(mobile, $3), updated_at = now(),
                  email_requested = (COALESCE(email, $2) IS NULL)
            WHERE id = $1`,
          [input.customer.customerId, contact?.email ?? null, contact?.mobile ?? null],
        );
      }

      for (const kind of input.customer.optIns ?? []) {
        await grantOptIn(db, input.customer.customerId, kind, 'intake');
      }

      await db.query(
        `INSERT INTO service_requests (id, workflow_id, customer_id, product_field, product_model, fault_description,
                                       area_code, service_centre_id, wanted_during, revisit_of)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, tstzrange($9, $10), $11)
         ON CONFLICT (id) DO NOTHING`,
        [
          input.requestId,
          serviceRequestWorkflowId(input.requestId),
          input.customer.customerId,
          input.product.field,
          input.product.model ?? null,
          input.product.fault,
          input.customer.areaCode,
          serviceCentreId,
          start,
          end,
          input.revisitOf ?? null,
        ],
      );
      return { requestId: input.requestId, customerId: input.customer.customerId, serviceCentreId, newCustomer };
    }));
  }

  return { registerServiceRequest };
}

/**
 * Data the database refuses (SQLSTATE class 22: a bad value; 23: a broken constraint) will be
 * refused again on every retry: the request is rejected instead of retried for ever.
 */
async function rejectingBadData<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^2[23]/.test(code)) throw invalidInput(`the database refused the request's data (SQLSTATE ${code}: ${(err as { constraint?: string }).constraint ?? 'bad value'})`);
    throw err;
  }
}

function openContact(sealed: string | undefined, key: string): Contact | undefined {
  if (!sealed) return undefined;
  let contact: Contact;
  try {
    contact = unsealContact(sealed, key);
  } catch (err) {
    throw invalidInput(`customer.sealedContact cannot be opened: ${(err as Error).message}`);
  }
  if (contact.mobile) {
    const e164 = toE164(contact.mobile);
    // The number itself stays out of the message: it would land in the workflow history.
    if (!e164) throw invalidInput('customer.contact.mobile is not a valid phone number');
    contact.mobile = e164;
  }
  return contact;
}
