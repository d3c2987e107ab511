import type { ComposeService } from './composeFile';
import type { Tone } from '../ecs/present';
import type { ContainerState } from './stackState';

export interface StackView {
  label: string;
  description: string;
  tooltip: string;
  tone: Tone;
  /** running | stopped | notCreated: the last segment of the node's contextValue. */
  state: 'running' | 'stopped' | 'notCreated';
}

/** "Up less than a minute", "Up 5 min", "Up 3 h", "Up 2 days": coarse, so labels do not tick. */
export function formatUptime(ms: number): string {
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'Up less than a minute';
  if (min < 60) return `Up ${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `Up ${h} h`;
  return `Up ${Math.floor(h / 24)} days`;
}

export function containerStatus(c: ContainerState): { text: string; tone: Tone } {
  if (c.state === 'running') {
    if (c.health === 'unhealthy') return { text: 'unhealthy', tone: 'error' };
    if (c.health === 'starting') return { text: 'starting', tone: 'progress' };
    return { text: c.health === 'healthy' ? 'healthy' : 'running', tone: 'ok' };
  }
  if (c.state === 'restarting') return { text: 'restarting', tone: 'warning' };
  if (c.state === 'exited' || c.state === 'dead') {
    return { text: `exited (${c.exitCode ?? '?'})`, tone: c.exitCode === 0 ? 'inactive' : 'error' };
  }
  return { text: c.state, tone: c.state === 'paused' ? 'warning' : 'inactive' };
}

export function formatPorts(containers: ContainerState[]): string {
  const seen = new Set<string>();
  for (const c of containers) for (const p of c.ports) seen.add(`${p.privatePort}→${p.publicPort}`);
  return [...seen].join(', ');
}

function shortImage(image: string): string {
  return image.startsWith('sha256:') ? image.slice(7, 19) : image.split('/').pop() ?? image;
}

function uptime(containers: ContainerState[], now: number): string | undefined {
  const started = containers.map((c) => c.startedAt).filter((t): t is number => t !== undefined);
  return started.length ? formatUptime(now - Math.max(...started)) : undefined;
}

const TONE_ORDER: Tone[] = ['error', 'warning', 'progress', 'ok', 'inactive'];

/** A service row: its overall state from its containers, or "not created". */
export function serviceView(service: ComposeService, containers: ContainerState[], now: number): StackView {
  if (containers.length === 0) {
    return { label: service.name, description: `not created${service.image ? ` · ${shortImage(service.image)}` : ''}`, tooltip: `**${service.name}** has no container yet. Run Up to create it.`, tone: 'inactive', state: 'notCreated' };
  }
  const statuses = containers.map(containerStatus);
  const running = containers.filter((c) => c.state === 'running').length;
  const tone = TONE_ORDER.find((t) => statuses.some((s) => s.tone === t)) ?? 'inactive';
  const texts = [...new Set(statuses.map((s) => s.text))];
  const state = containers.length > 1 ? `${running}/${containers.length} running${texts.some((t) => t !== 'running') ? ` (${texts.filter((t) => t !== 'running').join(', ')})` : ''}` : texts[0];
  const parts = [state, formatPorts(containers), shortImage(containers[0].image), running ? uptime(containers, now) : undefined].filter(Boolean);
  const lines = containers.map((c) => `- ${c.name}: ${containerStatus(c).text}`);
  return {
    label: service.name,
    description: parts.join(' · '),
    tooltip: [`**${service.name}** · ${containers[0].image}`, '', ...lines].join('\n'),
    tone,
    state: running ? 'running' : 'stopped',
  };
}

export function containerView(c: ContainerState, now: number): StackView {
  const status = containerStatus(c);
  const parts = [status.text, formatPorts([c]), c.startedAt !== undefined ? formatUptime(now - c.startedAt) : undefined].filter(Boolean);
  return { label: c.name, description: parts.join(' · '), tooltip: `**${c.name}** (${c.id.slice(0, 12)})\n\n${c.image}`, tone: status.tone, state: c.state === 'running' ? 'running' : 'stopped' };
}

/**
 * The project row: how many services run. All of them (a one-off like airflow-init that exited 0
 * counts as done) is ok; some is a partial state, shown as a warning, never as the green check.
 */
export function projectView(project: string, services: ComposeService[], containers: ContainerState[], file: string): StackView {
  const of = (s: ComposeService) => containers.filter((c) => c.service === s.name);
  const running = services.filter((s) => of(s).some((c) => c.state === 'running')).length;
  const done = services.filter((s) => of(s).length > 0 && of(s).every((c) => c.state === 'exited' && c.exitCode === 0)).length;
  const unhealthy = containers.some((c) => c.health === 'unhealthy' || (c.state === 'exited' && c.exitCode !== 0));
  return {
    label: project,
    description: `${running}/${services.length} services running · ${file}`,
    tooltip: `Compose project **${project}**\n\n${file}`,
    tone: running === 0 ? 'inactive' : unhealthy || running + done < services.length ? 'warning' : 'ok',
    state: running ? 'running' : containers.length ? 'stopped' : 'notCreated',
  };
}

/** "5 of 8 services up": what a cancelled or half-finished Up left behind. */
export function upSummary(services: ComposeService[], containers: ContainerState[]): { running: number; total: number; text: string } {
  const running = services.filter((s) => containers.some((c) => c.service === s.name && c.state === 'running'));
  const missing = services.filter((s) => !running.includes(s)).map((s) => s.name);
  return {
    running: running.length,
    total: services.length,
    text: `${running.length} of ${services.length} services are up${missing.length ? ` (not running: ${missing.join(', ')})` : ''}`,
  };
}
