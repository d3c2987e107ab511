import type { Build } from '../../../core/aws/codebuild';
import type { AwsSession } from '../../../platform/aws';
import type { PipelineTreeProvider, PipelineNode } from '../pipelineTree';
import type { PipelineRuns } from '../pipelineRuns';

export interface PipelineDeps {
  session: AwsSession;
  tree: PipelineTreeProvider;
  runs: PipelineRuns;
}

/** The build a command acts on: the tree node's, else the newest one of the DAG pipeline. */
export function buildOf(node: unknown, deps: PipelineDeps, dagProject: string): Build {
  const n = node as PipelineNode | undefined;
  if (n?.kind === 'build' || n?.kind === 'phase') return n.build;
  const newest = deps.tree.recent.get(dagProject)?.[0];
  if (!newest) throw new Error('No build to act on: expand the Pipelines view or run the DAG pipeline first.');
  return newest;
}
