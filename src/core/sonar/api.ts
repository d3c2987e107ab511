// Shapes of the SonarCloud / SonarQube Web API responses we read (only the fields we use).

export interface TextRange {
  startLine: number;
  endLine: number;
  startOffset: number;
  endOffset: number;
}

export interface SonarImpact {
  softwareQuality?: string;
  severity: string;
}

export interface FlowLocation {
  component?: string;
  textRange?: TextRange;
  msg?: string;
}

export interface SonarIssue {
  key: string;
  rule: string;
  severity?: string;
  impacts?: SonarImpact[];
  component: string;
  line?: number;
  textRange?: TextRange;
  flows?: { locations?: FlowLocation[] }[];
  message: string;
  type?: string;
}

export interface SonarHotspot {
  key: string;
  component: string;
  line?: number;
  textRange?: TextRange;
  message: string;
  vulnerabilityProbability?: string;
  securityCategory?: string;
  status?: string;
  ruleKey?: string;
}

export interface SonarComponent {
  key: string;
  path?: string;
}

export interface Paging {
  pageIndex?: number;
  pageSize?: number;
  total?: number;
}

export interface IssuesResponse {
  paging?: Paging;
  total?: number;
  issues?: SonarIssue[];
  components?: SonarComponent[];
}

export interface HotspotsResponse {
  paging?: Paging;
  hotspots?: SonarHotspot[];
  components?: SonarComponent[];
}

export interface GateCondition {
  status: string;
  metricKey: string;
  comparator?: string;
  errorThreshold?: string;
  actualValue?: string;
}

export interface ProjectStatus {
  status: string;
  conditions?: GateCondition[];
}

export interface SonarBranch {
  name: string;
  isMain?: boolean;
}

/** An entry of api/project_pull_requests/list. */
export interface SonarPullRequest {
  key: string;
  title?: string;
  /** The source branch of the pull request. */
  branch?: string;
  base?: string;
  analysisDate?: string;
  commit?: { sha?: string };
  status?: { qualityGateStatus?: string };
}

export interface SonarRule {
  key: string;
  name?: string;
  htmlDesc?: string;
  mdDesc?: string;
  descriptionSections?: { key?: string; content: string }[];
  severity?: string;
  type?: string;
  lang?: string;
  langName?: string;
}
