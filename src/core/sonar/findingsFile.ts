import type { IssuesResponse, SonarComponent, SonarIssue } from './api';
import { SonarProblem } from './client';

export interface SavedFindings {
  issues: SonarIssue[];
  components: SonarComponent[];
  total: number;
}

/**
 * Reads a saved api/issues/search answer: one page as the API returns it, or the all-pages
 * document infra-templates/scripts/quality_gate.py writes (issues, components, total, truncated, paging).
 */
export function parseFindingsFile(text: string, name: string): SavedFindings {
  let data: IssuesResponse;
  try {
    data = JSON.parse(text) as IssuesResponse;
  } catch {
    throw new SonarProblem('malformed', `${name} is not valid JSON.`);
  }
  if (!data || typeof data !== 'object' || !Array.isArray(data.issues)) {
    throw new SonarProblem('malformed', `${name} has no "issues" list: save the answer of api/issues/search (quality_gate.py writes sonar-findings.json).`);
  }
  const issues = data.issues.filter((i) => i && typeof i.key === 'string' && typeof i.component === 'string');
  return { issues, components: Array.isArray(data.components) ? data.components : [], total: data.total ?? data.paging?.total ?? issues.length };
}
