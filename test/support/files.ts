import * as fs from 'node:fs';
import * as path from 'node:path';

/** Every file under `dir` (recursively) whose name ends with `suffix`, sorted; none if `dir` is missing. */
export function findFiles(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(suffix))
    .map((name) => path.join(dir, name))
    .sort();
}
