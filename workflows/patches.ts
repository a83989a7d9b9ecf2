import { patched } from '@temporalio/workflow';

/** The patches a request started with `grouped-search-attributes` has without checking them. */
export type EarlierPatch =
  | 'short-reads-local'
  | 'incentive-grant-local'
  | 'settle-before-survey'
  | 'reply-window-from-send'
  | 'eta-notice'
  | 'sla-from-visit-end'
  | 'whatsapp-survey-channel';

/**
 * Which behaviour a request runs: the code it was started by. A request started by code that
 * knows `grouped-search-attributes` was started after every earlier patch existed, so each of them
 * holds for it without being checked; only older requests check them, where they always did. That
 * saves, per earlier patch a request passes, the marker event and the `TemporalChangeVersion`
 * upsert the SDK adds to a first check (another event and a visibility write on the server).
 *
 * The patch is checked once, in the workflow's first activation, before any activity: a patch
 * checked for the first time right after a local activity can take the other branch on replay
 * when a workflow task ended between the two (seen on the time-skipping test server), and a
 * decision taken before anything else happened is the same on every replay. Requests already
 * running when this code was deployed replay their start without its marker and keep the old
 * behaviour to their end.
 */
export class Patches {
  /** Search attributes are written once per stage change, only with values that changed (requestState.ts). */
  readonly groupedSearchAttributes: boolean;

  constructor() {
    this.groupedSearchAttributes = patched('grouped-search-attributes');
  }

  has(patch: EarlierPatch): boolean {
    return this.groupedSearchAttributes || patched(patch);
  }
}
