import type { GateCondition, ProjectStatus } from './api';

export interface ConditionView {
  metric: string;
  status: string;
  failed: boolean;
  actual: string;
  threshold: string;
}

export type GateState = 'passed' | 'failed' | 'warning' | 'none';

export interface GateView {
  /** Passed | Failed | Warning | No quality gate is set for this project */
  label: string;
  /** Only OK counts as passed; NONE (no gate) is neutral. */
  state: GateState;
  passed: boolean;
  conditions: ConditionView[];
  failing: ConditionView[];
}

const RATINGS = ['A', 'B', 'C', 'D', 'E'];

/** Ratings come as 1..5 (sometimes "1.0"); people read them as A..E. */
export function showValue(metric: string, value: string | undefined): string {
  if (value === undefined || value === '') return '?';
  if (metric.endsWith('rating')) {
    const n = Number(value);
    if (Number.isInteger(n) && n >= 1 && n <= 5) return RATINGS[n - 1];
  }
  return value;
}

function condition(c: GateCondition): ConditionView {
  return {
    metric: c.metricKey,
    status: c.status,
    failed: c.status === 'ERROR',
    actual: showValue(c.metricKey, c.actualValue),
    threshold: showValue(c.metricKey, c.errorThreshold),
  };
}

export const NO_GATE = 'No quality gate is set for this project';

/** The codicon and theme colour a gate state shows with: only a passed gate is green. */
export const GATE_ICON: Record<GateState, [string, string | undefined]> = {
  passed: ['pass', 'testing.iconPassed'],
  failed: ['error', 'list.errorForeground'],
  warning: ['warning', 'list.warningForeground'],
  none: ['circle-large-outline', undefined],
};

export function gateView(status: ProjectStatus): GateView {
  const conditions = (status.conditions ?? []).map(condition);
  const state: GateState = status.status === 'OK' ? 'passed' : status.status === 'ERROR' ? 'failed' : status.status === 'WARN' ? 'warning' : 'none';
  const label = { passed: 'Passed', failed: 'Failed', warning: 'Warning', none: NO_GATE }[state];
  return { label, state, passed: state === 'passed', conditions, failing: conditions.filter((c) => c.failed) };
}

/** `new_security_rating E, threshold A` */
export function describeCondition(c: ConditionView): string {
  return `${c.metric} ${c.actual}, threshold ${c.threshold}`;
}
