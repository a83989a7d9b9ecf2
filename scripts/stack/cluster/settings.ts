/**
 * The cluster's settings that docker-compose.yml repeats for its images. One list, so the local
 * cluster stack (`make up STACK=cluster`) and the compose deployment run the same Temporal:
 * test/deploy/compose.test.ts checks the compose file and scripts/ensure-cluster.sh against it.
 */
export const CLUSTER = {
  /** go.temporal.io/server, and the temporalio/auto-setup and admin-tools image tags. */
  serverVersion: '1.29.1',
  /** github.com/temporalio/ui-server/v2, and the temporalio/ui image tag. */
  uiVersion: '2.42.1',
  /** The persistence plugin, and the schema folder under the module's schema/postgresql. */
  sqlPlugin: 'postgres12',
  schemaFolder: 'v12',
  databases: { persistence: 'temporal', visibility: 'temporal_visibility' },
  /** Fixed for the life of a cluster: a different count needs a new database. */
  numHistoryShards: 4,
  /**
   * Per Temporal service (frontend, history, matching, worker), so four times this in all: kept
   * well under PostgreSQL's default of 100 connections, which the application shares.
   */
  persistencePool: { maxConns: 10, maxIdleConns: 10 },
  visibilityPool: { maxConns: 5, maxIdleConns: 5 },
  /** Closed requests stay visible in the Web UI for a week. */
  namespaceRetentionHours: 168,
  /** Dynamic config shared with compose (mounted into the temporal container). */
  dynamicConfigFile: 'deploy/temporal/dynamicconfig.yaml',
} as const;
