/** The environment variable through which ui/run.ts hands the packaged extension to the tests. */
export const VSIX_ENV = 'AIRFLOW_ECS_TEST_VSIX';

export function packagedVsix(): string {
  const vsix = process.env[VSIX_ENV];
  if (!vsix) {
    throw new Error(`${VSIX_ENV} is not set: run the UI tests through \`npm run test:ui\`, which packages the extension`);
  }
  return vsix;
}
