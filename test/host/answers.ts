/**
 * What in-host tests use to stand in for the person at the keyboard: answers to the prompts a
 * command opens, and waiting for the state a command leads to.
 */

/** Replaces `target[key]` (a `vscode.window` or `vscode.env` function) while `run` runs, answering in turn; returns the calls. */
export async function answering<T>(target: object, key: string, values: unknown[], run: () => Thenable<T> | Promise<T>): Promise<{ calls: unknown[][]; result: T }> {
  const t = target as Record<string, unknown>;
  const original = t[key];
  const calls: unknown[][] = [];
  t[key] = async (...args: unknown[]) => {
    calls.push(args);
    const value = values[Math.min(calls.length - 1, values.length - 1)];
    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown)(...(await Promise.all(args))) : value;
  };
  try {
    return { calls, result: await run() };
  } finally {
    t[key] = original;
  }
}

/** Waits until `ok` holds, polling; the error names what never came. */
export async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
