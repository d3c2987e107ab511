import type * as vscode from 'vscode';

/** Ages in the trees have minute granularity ("5 min ago"): redrawing once a minute keeps them true. */
export const MINUTE_MS = 60_000;

/** What a repeating job needs of a view: whether it shows, and when that changes. */
export type VisibleView = Pick<vscode.TreeView<unknown>, 'visible' | 'onDidChangeVisibility'>;

export interface VisibleTimerOptions {
  /** Period in ms; 0 or less: never on a timer. Read again on each visibility change and on `restart`. */
  everyMs(): number;
  /** Runs `run` once when the view shows again after being hidden (what it shows may be stale). */
  onShown?: boolean;
}

/**
 * Runs `run` every `everyMs` while the view is visible and not at all while it is hidden, so
 * nothing polls in the background. `restart` picks up a new period (a settings change).
 */
export function whileVisible(view: VisibleView, run: () => void, options: VisibleTimerOptions): vscode.Disposable & { restart(): void } {
  let timer: NodeJS.Timeout | undefined;
  let wasVisible = view.visible;
  const restart = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    const ms = options.everyMs();
    if (view.visible && ms > 0) timer = setInterval(run, ms);
  };
  const visibility = view.onDidChangeVisibility(({ visible }) => {
    if (visible && !wasVisible && options.onShown) run();
    wasVisible = visible;
    restart();
  });
  restart();
  return {
    restart,
    dispose: () => {
      if (timer) clearInterval(timer);
      visibility.dispose();
    },
  };
}
