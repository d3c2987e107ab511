import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Writes AWS config and credentials files with a `test` profile (static keys, us-east-1)
 * and a `sso-user` profile, and returns the environment that points the SDK at them.
 */
export function writeAwsProfileFiles(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-profiles-'))): Record<string, string> {
  const config = path.join(dir, 'config');
  const credentials = path.join(dir, 'credentials');
  fs.writeFileSync(config, [
    '[profile test]', 'region = us-east-1', '',
    '[profile sso-user]', 'sso_session = corp', 'sso_account_id = 123456789012', 'sso_role_name = DataEngineer', 'region = eu-west-1', '',
    '[sso-session corp]', 'sso_start_url = https://example.invalid/start', 'sso_region = eu-west-1', '',
  ].join('\n'));
  fs.writeFileSync(credentials, ['[test]', 'aws_access_key_id = AKIDEXAMPLE', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', ''].join('\n'));
  return { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
}

/** Points this process at fresh profile files; returns a function that restores the environment. */
export function withAwsProfileFiles(): () => void {
  const vars = writeAwsProfileFiles();
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
