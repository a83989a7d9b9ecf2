import type { ActivityDeps } from './deps';
import { createAssignmentActivities } from './assignment';
import { createContactActivities } from './contact';
import { createIntakeActivities } from './intake';
import { createReplyActivities } from './replies';
import { createSurveyActivities } from './survey';

export type { ActivityDeps, ActivitySettings } from './deps';

/** All activities of the service-request workflow, built over the dependencies they are given. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createIntakeActivities(deps),
    ...createAssignmentActivities(deps),
    ...createContactActivities(deps),
    ...createSurveyActivities(deps),
    ...createReplyActivities(deps),
  };
}

export type ServiceRequestActivities = ReturnType<typeof createActivities>;
