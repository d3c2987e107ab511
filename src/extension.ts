import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Airflow on ECS', { log: true });
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand('airflowEcs.showLog', () => log.show()),
  );
  log.info(`Airflow on ECS ${context.extension.packageJSON.version} activated`);
  // Features are wired in as they land.
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}
