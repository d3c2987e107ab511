import { SONAR_COMMANDS } from '../../platform/errors';

/** Every quality command id, in one place. */
export const COMMANDS = {
  ...SONAR_COMMANDS,
  signOut: 'airflowEcs.sonar.signOut',
  refresh: 'airflowEcs.sonar.refresh',
  importFindings: 'airflowEcs.sonar.importFindings',
  openFinding: 'airflowEcs.sonar.openFinding',
  showRule: 'airflowEcs.sonar.showRule',
} as const;

export const QUALITY_VIEW = 'airflowEcs.quality';
/** Context key the welcome content reads: noProject | untrustedHost | signedOut | ready. */
export const QUALITY_STATE_KEY = 'airflowEcs.quality.state';
export const DIAGNOSTIC_SOURCE = 'SonarCloud';
export const RULE_SCHEME = 'airflow-ecs-sonar-rule';
