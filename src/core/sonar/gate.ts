import type { GateCondition, ProjectStatus } from './api';

export interface ConditionView {
  metric: string;
  status: string;
  failed: boolean;
  actual: string;
  threshold: string;
}

export interface GateView {
  /** Passed | Failed | Warning | No gate */
  label: string;
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

export function gateView(status: ProjectStatus): GateView {
  const conditions = (status.conditions ?? []).map(condition);
  const label = status.status === 'OK' ? 'Passed' : status.status === 'ERROR' ? 'Failed' : status.status === 'WARN' ? 'Warning' : 'No gate';
  return { label, passed: status.status !== 'ERROR', conditions, failing: conditions.filter((c) => c.failed) };
}

/** `new_security_rating E, threshold A` */
export function describeCondition(c: ConditionView): string {
  return `${c.metric} ${c.actual}, threshold ${c.threshold}`;
}
