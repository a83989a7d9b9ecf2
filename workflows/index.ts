// The worker's workflow bundle entry: only workflow functions are exported here.
export { serviceRequestWorkflow } from './serviceRequest';
