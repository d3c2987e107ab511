/**
 * How VS Code resolves a machine-scoped setting: in a local window from User settings; in a
 * remote window (Remote-SSH, dev containers, Codespaces, code-server) only from the remote
 * machine's settings, a value in the local User settings "cannot be applied in this window".
 * VS Code's configuration may still show such a value until the settings are next read
 * (start-up), so the extension reads the remote layer itself and never flips between the two.
 */

/** The part of `WorkspaceConfiguration.inspect()` this needs; the extension host adds the local and remote user layers. */
export interface MachineInspect {
  globalValue?: unknown;
  globalLocalValue?: unknown;
  globalRemoteValue?: unknown;
}

export interface MachineValue {
  value: string;
  /** A value set in the local User settings that this (remote) window ignores. */
  ignoredUserValue?: string;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

export function resolveMachineSetting(inspect: MachineInspect | undefined, remoteWindow: boolean): MachineValue {
  if (!inspect) return { value: '' };
  if (!remoteWindow) return { value: text(inspect.globalValue) };
  // An extension host without the split layers: its merged user value is what the window applies.
  if (!('globalRemoteValue' in inspect) && !('globalLocalValue' in inspect)) return { value: text(inspect.globalValue) };
  const value = text(inspect.globalRemoteValue);
  const local = text(inspect.globalLocalValue);
  return local && local !== value ? { value, ignoredUserValue: local } : { value };
}
