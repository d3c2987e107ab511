import { startCodeServer, type CodeServer } from '../support/codeServer';
import { openWorkbench, payloadUrl, type Workbench } from '../support/workbench';
import { startFakeAws } from '../support/fakeAws';
import { writeAwsProfileFiles } from '../support/awsProfiles';
import { packagedVsix } from './vsix';

export type Fakes = Awaited<ReturnType<typeof startFakeAws>>;

export interface AwsWorkbench {
  fakes: Fakes;
  server: CodeServer;
  workbench: Workbench;
}

/**
 * Registers the hooks of a UI suite against the local AWS endpoint: the fakes, seeded by
 * `prepare`, code-server with the packaged extension on the workspace `prepare` returns, the
 * AWS profile and endpoint settings, a screenshot of any failing test, and the clean-up.
 */
export function useAwsWorkbench(name: string, prepare: (fakes: Fakes) => Promise<{ workspace: string; userSettings?: object; env?: Record<string, string>; cleanup?: () => void }>): AwsWorkbench {
  const handle = {} as AwsWorkbench;
  let cleanup: (() => void) | undefined;

  before(async () => {
    handle.fakes = await startFakeAws();
    const prepared = await prepare(handle.fakes);
    cleanup = prepared.cleanup;
    handle.server = await startCodeServer({
      workspace: prepared.workspace,
      installVsix: packagedVsix(),
      env: { ...writeAwsProfileFiles(), AWS_EC2_METADATA_DISABLED: 'true', ...prepared.env },
      userSettings: { 'airflowEcs.aws.profile': 'test', 'airflowEcs.aws.region': 'us-east-1', 'airflowEcs.explorer.refreshInterval': 0, ...prepared.userSettings },
      machineSettings: { 'airflowEcs.aws.endpointUrl': handle.fakes.aws.url },
    });
    handle.workbench = await openWorkbench(payloadUrl(handle.server.url, handle.server.port, { folder: prepared.workspace }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await handle.workbench?.screenshot(`ui-${name}-failed-${Date.now()}`);
  });

  after(async () => {
    await handle.workbench?.close();
    await handle.server?.stop();
    handle.fakes?.aws.reset();
    await handle.fakes?.aws.close();
    cleanup?.();
  });

  return handle;
}
