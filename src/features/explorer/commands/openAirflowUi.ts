import * as vscode from 'vscode';
import { servesUi, ROLE_LABELS } from '../../../core/airflow/roles';
import { loadBalancerUrl } from '../../../core/aws/elb';
import { UserFacingError } from '../../../platform/errors';
import { ServiceNode } from '../nodes';
import { pickService } from '../pickers';
import type { ExplorerDeps } from './deps';

/**
 * Opens the Airflow UI of a deployment: the load balancer in front of its api-server (Airflow 3)
 * or webserver (Airflow 2), found through the service's target group.
 */
export const openAirflowUi = ({ session, tree }: ExplorerDeps) => async (node?: unknown) => {
  const service = node instanceof ServiceNode ? node : await pickService(tree.ctx);
  if (!servesUi(service.role)) {
    throw new UserFacingError(`${service.name} is not an Airflow api-server or webserver (it looks like ${service.role ? `the ${ROLE_LABELS[service.role]}` : 'another service'}). Choose the service that serves the UI.`);
  }
  const targetGroups = (service.resource.loadBalancers ?? []).map((lb) => lb.targetGroupArn).filter((arn): arn is string => !!arn);
  if (targetGroups.length === 0) {
    throw new UserFacingError(`${service.name} has no load balancer, so the Airflow UI is only reachable inside the VPC (a VPN or bastion, or port forwarding to the task's port 8080).`);
  }
  const elb = await session.elb();
  const urls = (await Promise.all(targetGroups.map((arn) => elb.loadBalancersOf(arn)))).flat()
    .map((entry) => ({ url: loadBalancerUrl(entry), internal: entry.scheme === 'internal' }))
    .filter((u): u is { url: string; internal: boolean } => !!u.url);
  if (urls.length === 0) {
    throw new UserFacingError(`The target group of ${service.name} is not attached to a load balancer with an HTTP or HTTPS listener.`);
  }
  const [{ url, internal }] = urls;
  await vscode.env.openExternal(vscode.Uri.parse(url));
  if (internal) {
    void vscode.window.showInformationMessage(`Opened ${url}. It is an internal load balancer: it answers only from inside the VPC (VPN or bastion).`);
  }
};
