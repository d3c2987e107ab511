import { randomUUID } from 'node:crypto';
import { AwsFault, type FakeService } from './server';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

export const PHASES = [
  'SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING', 'COMPLETED',
] as const;

export interface SeedProject {
  name: string;
  /** How long each phase takes. */
  phaseMs?: number;
  /** Fail the build in this phase with this context message (e.g. the quality gate's). */
  failAt?: { phase: (typeof PHASES)[number]; message: string };
  /** Commits CodeBuild can resolve; any other sourceVersion is rejected. */
  knownCommits?: string[];
  /** Output a build writes when it enters a phase (the buildspec's commands and what they print). */
  phaseLogs?: Partial<Record<(typeof PHASES)[number], string[]>>;
}

/** A build that finished before the fake started, with its phases and log. */
export interface SeedBuild {
  sourceVersion: string;
  startedMinutesAgo: number;
  /** FAILED fails in the project's failAt phase. */
  status: 'SUCCEEDED' | 'FAILED';
  /** Seconds each phase took; 10 s each by default. */
  phaseSeconds?: number;
  /** Its number; the project's next by default. Later builds count on from it. */
  buildNumber?: number;
}

type Json = Record<string, unknown>;

/** Where build output goes: the fake CloudWatch Logs, when one is wired in. `at` defaults to now (ms). */
export type BuildLogSink = (group: string, stream: string, lines: string[], at?: number) => void;

interface BuildState {
  build: Json;
  project: SeedProject;
  timers: NodeJS.Timeout[];
}

const seconds = () => Date.now() / 1000;

/** CodeBuild with scripted phase progression, as its JSON 1.1 API shows it. */
export class FakeCodeBuild implements FakeService {
  readonly targetPrefix = 'CodeBuild_20161006';
  readonly iamPrefix = 'codebuild';
  private projects = new Map<string, SeedProject>();
  private builds = new Map<string, BuildState>();
  private numbers = new Map<string, number>();
  concurrentLimit = 60;

  constructor(private readonly logSink: BuildLogSink = () => undefined) {}

  reset(): void {
    for (const b of this.builds.values()) b.timers.forEach(clearTimeout);
    this.projects.clear();
    this.builds.clear();
    this.numbers.clear();
    this.concurrentLimit = 60;
  }

  seed(projects: SeedProject[]): void {
    for (const p of projects) this.projects.set(p.name, p);
  }

  /** Adds finished builds of a seeded project, oldest first; build numbers continue from them. */
  seedBuilds(projectName: string, builds: SeedBuild[]): void {
    const project = this.projects.get(projectName);
    if (!project) throw new Error(`seed project ${projectName} first`);
    for (const b of builds) {
      if (b.buildNumber !== undefined) this.numbers.set(projectName, b.buildNumber - 1);
      const { build, streamName } = this.newBuild(project, b.sourceVersion, []);
      const group = `/aws/codebuild/${projectName}`;
      const step = b.phaseSeconds ?? 10;
      let at = seconds() - b.startedMinutesAgo * 60;
      build.startTime = at;
      const phases: Json[] = [];
      for (const phase of PHASES.slice(0, -1)) {
        const failing = b.status === 'FAILED' && project.failAt?.phase === phase;
        this.logSink(group, streamName, [`[Container] ${new Date(at * 1000).toISOString()} Entering phase ${phase}`, ...(project.phaseLogs?.[phase] ?? [])], at * 1000);
        phases.push({
          phaseType: phase, startTime: at, endTime: at + step, durationInSeconds: step, phaseStatus: failing ? 'FAILED' : 'SUCCEEDED',
          ...(failing ? { contexts: [{ statusCode: 'COMMAND_EXECUTION_ERROR', message: project.failAt!.message }] } : {}),
        });
        at += step;
        this.logSink(group, streamName, [`[Container] ${new Date(at * 1000).toISOString()} Phase complete: ${phase} State: ${failing ? 'FAILED' : 'SUCCEEDED'}`], at * 1000);
        if (failing) {
          this.logSink(group, streamName, [`[Container] ${new Date(at * 1000).toISOString()} Phase context status code: COMMAND_EXECUTION_ERROR Message: ${project.failAt!.message}`], at * 1000);
          if (phase !== 'FINALIZING') phases.push({ phaseType: 'FINALIZING', startTime: at, endTime: at, durationInSeconds: 0, phaseStatus: 'SUCCEEDED' });
          break;
        }
      }
      phases.push({ phaseType: 'COMPLETED', startTime: at });
      Object.assign(build, { phases, buildStatus: b.status, buildComplete: true, currentPhase: 'COMPLETED', endTime: at });
    }
  }

  readonly control = {
    seed: (body: Json) => this.seed(body.projects as SeedProject[]),
    limit: (body: Json) => { this.concurrentLimit = Number(body.concurrent); },
    builds: () => ({ builds: [...this.builds.values()].map((b) => b.build) }),
  };

  readonly operations = {
    CreateProject: (input: Json) => {
      this.seed([{ name: String(input.name) }]);
      return { project: { name: input.name, arn: `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/${input.name}` } };
    },
    ListProjects: () => ({ projects: [...this.projects.keys()].sort() }),
    StartBuild: (input: Json) => this.start(String(input.projectName), input.sourceVersion as string | undefined, (input.environmentVariablesOverride as Json[] | undefined) ?? []),
    RetryBuild: (input: Json) => {
      const old = this.builds.get(String(input.id));
      if (!old) throw new AwsFault('ResourceNotFoundException', `Build not found: ${input.id}`);
      return this.start(String(old.build.projectName), old.build.sourceVersion as string | undefined, []);
    },
    BatchGetBuilds: (input: Json) => {
      const ids = input.ids as string[];
      if (ids.length > 100) throw new AwsFault('InvalidInputException', 'ids must contain at most 100 items');
      const builds = ids.map((id) => this.builds.get(id)?.build).filter(Boolean);
      return { builds, buildsNotFound: ids.filter((id) => !this.builds.has(id)) };
    },
    ListBuildsForProject: (input: Json) => {
      const name = String(input.projectName);
      if (!this.projects.has(name)) throw new AwsFault('ResourceNotFoundException', `Project cannot be found: arn:aws:codebuild:${REGION}:${ACCOUNT}:project/${name}`);
      const ids = [...this.builds.values()].filter((b) => b.build.projectName === name).map((b) => String(b.build.id)).reverse();
      return { ids };
    },
    StopBuild: (input: Json) => {
      const state = this.builds.get(String(input.id));
      if (!state) throw new AwsFault('ResourceNotFoundException', `Build not found: ${input.id}`);
      if (!state.build.buildComplete) this.finish(state, 'STOPPED', 'STOPPED');
      return { build: state.build };
    },
  };

  private start(projectName: string, sourceVersion: string | undefined, env: Json[]): Json {
    env.forEach((e, i) => {
      // The API's enum; a missing type means PLAINTEXT. Parameters and secrets are resolved only when the build runs.
      if (e.type !== undefined && !['PLAINTEXT', 'PARAMETER_STORE', 'SECRETS_MANAGER'].includes(String(e.type))) {
        throw new AwsFault('InvalidInputException', `1 validation error detected: Value '${e.type}' at 'environmentVariablesOverride.${i + 1}.member.type' failed to satisfy constraint: Member must satisfy enum value set: [PARAMETER_STORE, SECRETS_MANAGER, PLAINTEXT]`);
      }
    });
    const project = this.projects.get(projectName);
    if (!project) throw new AwsFault('ResourceNotFoundException', `Project cannot be found: arn:aws:codebuild:${REGION}:${ACCOUNT}:project/${projectName}`);
    if (sourceVersion && project.knownCommits && !project.knownCommits.includes(sourceVersion)) {
      throw new AwsFault('InvalidInputException', `Invalid source version: ${sourceVersion} could not be resolved in the source repository`);
    }
    const running = [...this.builds.values()].filter((b) => !b.build.buildComplete).length;
    if (running >= this.concurrentLimit) throw new AwsFault('AccountLimitExceededException', `Cannot have more than ${this.concurrentLimit} active builds for the account`);

    const { state } = this.newBuild(project, sourceVersion, env);
    this.logPhase(state, 'SUBMITTED');
    const step = project.phaseMs ?? 300;
    PHASES.slice(1).forEach((phase, i) => {
      state.timers.push(setTimeout(() => this.advance(state, phase), step * (i + 1)));
    });
    return { build: state.build };
  }

  /** Registers a build in SUBMITTED with the project's next build number. */
  private newBuild(project: SeedProject, sourceVersion: string | undefined, env: Json[]): { build: Json; state: BuildState; streamName: string } {
    const projectName = project.name;
    const number = (this.numbers.get(projectName) ?? 0) + 1;
    this.numbers.set(projectName, number);
    const uuid = randomUUID();
    const id = `${projectName}:${uuid}`;
    const build: Json = {
      id, arn: `arn:aws:codebuild:${REGION}:${ACCOUNT}:build/${id}`, buildNumber: number, projectName,
      startTime: seconds(), currentPhase: 'SUBMITTED', buildStatus: 'IN_PROGRESS', buildComplete: false,
      sourceVersion, resolvedSourceVersion: sourceVersion, initiator: 'arn:aws:sts::123456789012:assumed-role/DataEngineer/alice',
      environment: { environmentVariables: env },
      logs: { groupName: `/aws/codebuild/${projectName}`, streamName: uuid },
      phases: [{ phaseType: 'SUBMITTED', startTime: seconds() }],
    };
    const state: BuildState = { build, project, timers: [] };
    this.builds.set(id, state);
    return { build, state, streamName: uuid };
  }

  /** The project's output for a phase being entered, if it has any. */
  private logPhase(state: BuildState, phase: (typeof PHASES)[number]): void {
    const lines = state.project.phaseLogs?.[phase];
    if (lines?.length) this.logSink(`/aws/codebuild/${state.build.projectName}`, String((state.build.logs as Json).streamName), lines);
  }

  private advance(state: BuildState, next: (typeof PHASES)[number]): void {
    const { build, project } = state;
    if (build.buildComplete) return;
    const phases = build.phases as Json[];
    const current = phases.at(-1)!;
    const failing = project.failAt?.phase === current.phaseType;
    Object.assign(current, {
      phaseStatus: failing ? 'FAILED' : 'SUCCEEDED', endTime: seconds(),
      durationInSeconds: Math.round(seconds() - Number(current.startTime)),
      ...(failing ? { contexts: [{ statusCode: 'COMMAND_EXECUTION_ERROR', message: project.failAt!.message }] } : {}),
    });
    this.logSink(`/aws/codebuild/${build.projectName}`, String((build.logs as Json).streamName), [
      `[Container] ${new Date().toISOString()} Phase complete: ${current.phaseType} State: ${failing ? 'FAILED' : 'SUCCEEDED'}`,
      ...(failing ? [`[Container] ${new Date().toISOString()} Phase context status code: COMMAND_EXECUTION_ERROR Message: ${project.failAt!.message}`] : []),
    ]);
    if (failing) {
      // CodeBuild still runs FINALIZING after a failed phase before the build completes.
      phases.push({ phaseType: 'FINALIZING', startTime: seconds(), endTime: seconds(), phaseStatus: 'SUCCEEDED' });
      return this.finish(state, 'FAILED', 'FAILED');
    }
    if (next === 'COMPLETED') return this.finish(state, 'SUCCEEDED', 'SUCCEEDED');
    phases.push({ phaseType: next, startTime: seconds() });
    build.currentPhase = next;
    this.logSink(`/aws/codebuild/${build.projectName}`, String((build.logs as Json).streamName), [`[Container] ${new Date().toISOString()} Entering phase ${next}`]);
    this.logPhase(state, next);
  }

  private finish(state: BuildState, status: string, lastPhaseStatus: string): void {
    state.timers.forEach(clearTimeout);
    const { build } = state;
    const phases = build.phases as Json[];
    const open = phases.at(-1)!;
    if (!open.phaseStatus) Object.assign(open, { phaseStatus: lastPhaseStatus, endTime: seconds() });
    phases.push({ phaseType: 'COMPLETED', startTime: seconds() });
    Object.assign(build, { buildStatus: status, buildComplete: true, currentPhase: 'COMPLETED', endTime: seconds() });
  }
}
