/** Every pipeline command id, in one place. */
export const PIPELINE_COMMANDS = {
  runDagPipeline: 'airflowEcs.pipeline.runDagPipeline',
  buildImage: 'airflowEcs.pipeline.buildImage',
  stopBuild: 'airflowEcs.pipeline.stopBuild',
  retryBuild: 'airflowEcs.pipeline.retryBuild',
  copyBuildArn: 'airflowEcs.pipeline.copyBuildArn',
  openBuildInConsole: 'airflowEcs.pipeline.openBuildInConsole',
  selectProjects: 'airflowEcs.pipeline.selectProjects',
  refresh: 'airflowEcs.pipeline.refresh',
} as const;

export const PIPELINE_VIEW = 'airflowEcs.pipelines';
/** Context key the welcome content reads: ok | noProjects | a connection problem (platform/aws.ts). */
export const PIPELINE_STATE_KEY = 'airflowEcs.pipelines.state';

export type PipelineKind = 'dag' | 'image';

export const PIPELINE_NAMES: Record<PipelineKind, string> = { dag: 'DAG pipeline', image: 'Image pipeline' };
export const PIPELINE_SETTING: Record<PipelineKind, 'pipeline.dagProject' | 'pipeline.imageProject'> = {
  dag: 'pipeline.dagProject',
  image: 'pipeline.imageProject',
};
