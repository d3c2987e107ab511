import type { Logger } from '../../../core/log';
import type { QualityService } from '../qualityService';
import type { RuleDocuments } from '../ruleDocuments';

/** What the quality commands share. */
export interface QualityDeps {
  service: QualityService;
  documents: RuleDocuments;
  logger: Logger;
  /** Refreshes with a cancellable progress notification and tells what the result leaves out. */
  refresh(): Promise<void>;
}
