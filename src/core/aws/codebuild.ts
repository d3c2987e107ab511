import {
  CodeBuildClient,
  BatchGetBuildsCommand,
  ListBuildsForProjectCommand,
  ListProjectsCommand,
  RetryBuildCommand,
  StartBuildCommand,
  StopBuildCommand,
  type Build,
  type BuildPhase,
} from '@aws-sdk/client-codebuild';
import type { Logger } from '../log';
import { awsCaller, clientOptions, instrumentClient } from './clients';
import type { AwsConnection } from './connection';
import { AwsProblem } from './errors';
import { chunk } from './ecs';

export type { Build, BuildPhase };

export interface StartBuildInput {
  project: string;
  sourceVersion?: string;
  /** Without a type an override is PLAINTEXT. */
  environment?: { name: string; value: string; type?: 'PLAINTEXT' | 'PARAMETER_STORE' | 'SECRETS_MANAGER' }[];
}

/** The CodeBuild calls the extension makes; tests and the bench can supply their own. */
export interface CodeBuildApi {
  listProjects(signal?: AbortSignal): Promise<string[]>;
  /** Newest first, at most `max` ids. */
  listBuildIds(project: string, max: number, signal?: AbortSignal): Promise<string[]>;
  /** Any number of ids, 100 per call as the API allows. */
  getBuilds(ids: string[], signal?: AbortSignal): Promise<Build[]>;
  startBuild(input: StartBuildInput): Promise<Build>;
  stopBuild(id: string): Promise<Build | undefined>;
  retryBuild(id: string): Promise<Build>;
}

export const BATCH_GET_BUILDS_MAX = 100;

export function createCodeBuildApi(conn: AwsConnection, logger: Logger): CodeBuildApi {
  const client = instrumentClient(new CodeBuildClient(clientOptions(conn)), 'codebuild', logger);

  const plainCall = awsCaller('codebuild', conn);
  /** CodeBuild's own refusals get their own sentences; `subject` is the project a call names. */
  async function call<T>(action: string, run: () => Promise<T>, subject?: string): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (subject && name === 'ResourceNotFoundException') {
        throw new AwsProblem('notFound', `The CodeBuild project "${subject}" does not exist in ${conn.region}.`);
      }
      if (name === 'AccountLimitExceededException') {
        throw new AwsProblem('throttled', 'CodeBuild refused the build: your account has reached its limit of concurrent builds. Wait for a running build to finish, or stop one.');
      }
      if (name === 'InvalidInputException') {
        throw new AwsProblem('other', `CodeBuild rejected the request: ${(err as Error).message}`);
      }
      return plainCall(action, () => Promise.reject(err));
    }
  }

  return {
    listProjects: async (signal) => {
      const names: string[] = [];
      let nextToken: string | undefined;
      do {
        const out = await call('ListProjects', () => client.send(new ListProjectsCommand({ nextToken, sortBy: 'NAME' }), { abortSignal: signal }));
        names.push(...(out.projects ?? []));
        nextToken = out.nextToken;
      } while (nextToken);
      return names;
    },

    listBuildIds: async (project, max, signal) => {
      const out = await call('ListBuildsForProject', () =>
        client.send(new ListBuildsForProjectCommand({ projectName: project, sortOrder: 'DESCENDING' }), { abortSignal: signal }), project);
      return (out.ids ?? []).slice(0, max);
    },

    getBuilds: async (ids, signal) => {
      const groups = await Promise.all(chunk(ids, BATCH_GET_BUILDS_MAX).map((group) =>
        call('BatchGetBuilds', () => client.send(new BatchGetBuildsCommand({ ids: group }), { abortSignal: signal }))));
      const byId = new Map(groups.flatMap((g) => g.builds ?? []).map((b) => [b.id, b]));
      return ids.map((id) => byId.get(id)).filter((b): b is Build => Boolean(b));
    },

    startBuild: async ({ project, sourceVersion, environment }) => {
      const out = await call('StartBuild', () => client.send(new StartBuildCommand({
        projectName: project,
        sourceVersion,
        environmentVariablesOverride: environment?.map((e) => ({ name: e.name, value: e.value, type: e.type ?? 'PLAINTEXT' })),
      })), project);
      if (!out.build) throw new AwsProblem('other', `CodeBuild did not return the build it started for ${project}.`);
      return out.build;
    },

    stopBuild: async (id) => (await call('StopBuild', () => client.send(new StopBuildCommand({ id })))).build,

    retryBuild: async (id) => {
      const out = await call('RetryBuild', () => client.send(new RetryBuildCommand({ id })));
      if (!out.build) throw new AwsProblem('other', `CodeBuild did not return the retried build of ${id}.`);
      return out.build;
    },
  };
}
