// Local servers the in-host suite talks to (to come: a fake AWS endpoint). run.ts starts them
// before code-server and passes their env and settings on.
export interface Fixtures {
  env: Record<string, string>;
  userSettings: object;
  machineSettings: object;
  dispose(): Promise<void>;
}

export async function startFixtures(): Promise<Fixtures> {
  return { env: {}, userSettings: {}, machineSettings: {}, dispose: async () => undefined };
}
