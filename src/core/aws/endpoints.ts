import type { AwsConnection } from './connection';

interface EndpointResolving {
  config: {
    endpointProvider(params: { Region: string; UseFIPS: boolean; UseDualStack: boolean }): { url: URL };
    useFipsEndpoint(): Promise<boolean>;
    useDualstackEndpoint(): Promise<boolean>;
  };
}

/**
 * The endpoint URL a client sends to: the override when one is set, else the one the SDK
 * resolves for the region (partition, FIPS and dual-stack included). The Session Manager plugin
 * gets it as the AWS CLI passes `client.meta.endpoint_url`, without a trailing slash.
 */
export async function clientEndpoint(client: EndpointResolving, conn: AwsConnection): Promise<string> {
  if (conn.endpoint) return conn.endpoint.replace(/\/+$/, '');
  const { url } = client.config.endpointProvider({
    Region: conn.region,
    UseFIPS: await client.config.useFipsEndpoint(),
    UseDualStack: await client.config.useDualstackEndpoint(),
  });
  return url.href.replace(/\/+$/, '');
}
