import {
  ECRClient,
  DescribeRepositoriesCommand,
  DescribeImagesCommand,
  BatchGetImageCommand,
  GetDownloadUrlForLayerCommand,
  DescribeImageScanFindingsCommand,
  StartImageScanCommand,
  GetAuthorizationTokenCommand,
  type Repository,
  type ImageDetail,
  type ImageScanFindings,
} from '@aws-sdk/client-ecr';
import type { Logger } from '../log';
import { awsCaller, clientOptions, instrumentClient } from './clients';
import { AwsProblem } from './errors';
import type { AwsConnection } from './connection';

export type { Repository, ImageDetail, ImageScanFindings };

/** Manifest types BatchGetImage may return; without them ECR converts to schema 2 or fails. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
  'application/vnd.docker.distribution.manifest.v1+json',
];

export interface ImagePage {
  images: ImageDetail[];
  nextToken?: string;
}

export interface Manifest {
  mediaType?: string;
  /** The manifest JSON text as stored. */
  body: string;
}

export interface RegistryAuth {
  username: string;
  password: string;
  /** `https://<account>.dkr.ecr.<region>.amazonaws.com` */
  serveraddress: string;
}

/** The ECR calls the extension makes; tests and the bench can supply their own. */
export interface EcrApi {
  readonly region: string;
  listRepositories(signal?: AbortSignal): Promise<Repository[]>;
  describeImages(repository: string, nextToken: string | undefined, pageSize: number, signal?: AbortSignal): Promise<ImagePage>;
  /** The manifest of one image by digest; undefined when ECR reports it missing. */
  getManifest(repository: string, digest: string, signal?: AbortSignal): Promise<Manifest | undefined>;
  /** A short-lived URL of a blob (ECR's presigned layer URL). */
  blobUrl(repository: string, digest: string, signal?: AbortSignal): Promise<string>;
  scanFindings(repository: string, digest: string, nextToken?: string, signal?: AbortSignal): Promise<{ findings: ImageScanFindings | undefined; status?: string; description?: string; nextToken?: string }>;
  startScan(repository: string, digest: string): Promise<string | undefined>;
  authorization(): Promise<RegistryAuth>;
}

export const DESCRIBE_IMAGES_PAGE = 50;

export function createEcrApi(conn: AwsConnection, logger: Logger): EcrApi {
  const client = instrumentClient(new ECRClient(clientOptions(conn)), 'ecr', logger);
  // The SDK retries LimitExceededException as throttling, yet for StartImageScan it is a quota
  // (one basic scan per image a day) that retrying cannot lift: that call is made once.
  let once: ECRClient | undefined;
  const onceClient = () => (once ??= instrumentClient(new ECRClient({ ...clientOptions(conn), maxAttempts: 1 }), 'ecr', logger));

  const call = awsCaller('ecr', conn);

  return {
    region: conn.region,

    listRepositories: async (signal) => {
      const repos: Repository[] = [];
      let nextToken: string | undefined;
      do {
        const out = await call('DescribeRepositories', () =>
          client.send(new DescribeRepositoriesCommand({ nextToken, maxResults: 1000 }), { abortSignal: signal }),
        );
        repos.push(...(out.repositories ?? []));
        nextToken = out.nextToken;
      } while (nextToken);
      return repos;
    },

    describeImages: async (repositoryName, nextToken, maxResults, signal) => {
      const out = await call('DescribeImages', () =>
        client.send(new DescribeImagesCommand({ repositoryName, nextToken, maxResults }), { abortSignal: signal }),
      );
      return { images: out.imageDetails ?? [], nextToken: out.nextToken };
    },

    getManifest: async (repositoryName, imageDigest, signal) => {
      const out = await call('BatchGetImage', () =>
        client.send(
          new BatchGetImageCommand({ repositoryName, imageIds: [{ imageDigest }], acceptedMediaTypes: MANIFEST_MEDIA_TYPES }),
          { abortSignal: signal },
        ),
      );
      const image = out.images?.[0];
      if (!image?.imageManifest) return undefined;
      return { mediaType: image.imageManifestMediaType, body: image.imageManifest };
    },

    blobUrl: async (repositoryName, layerDigest, signal) => {
      const out = await call('GetDownloadUrlForLayer', () =>
        client.send(new GetDownloadUrlForLayerCommand({ repositoryName, layerDigest }), { abortSignal: signal }),
      );
      if (!out.downloadUrl) throw new Error(`ECR returned no download URL for ${layerDigest}.`);
      return out.downloadUrl;
    },

    scanFindings: async (repositoryName, imageDigest, nextToken, signal) => {
      const out = await call('DescribeImageScanFindings', () =>
        client.send(new DescribeImageScanFindingsCommand({ repositoryName, imageId: { imageDigest }, nextToken, maxResults: 1000 }), { abortSignal: signal }),
      );
      return { findings: out.imageScanFindings, status: out.imageScanStatus?.status, description: out.imageScanStatus?.description, nextToken: out.nextToken };
    },

    startScan: async (repositoryName, imageDigest) => {
      const out = await call('StartImageScan', async () => {
        try {
          return await onceClient().send(new StartImageScanCommand({ repositoryName, imageId: { imageDigest } }));
        } catch (err) {
          if ((err as { name?: string }).name === 'LimitExceededException') throw new AwsProblem('other', 'ECR\'s scan quota for this image is used up (basic scanning allows one scan per image every 24 hours). Its last findings stay under Scan findings; scan again later.');
          throw err;
        }
      });
      return out.imageScanStatus?.status;
    },

    authorization: async () => {
      const out = await call('GetAuthorizationToken', () => client.send(new GetAuthorizationTokenCommand({})));
      const data = out.authorizationData?.[0];
      if (!data?.authorizationToken) throw new Error('ECR returned no authorization token.');
      const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress: data.proxyEndpoint ?? '' };
    },
  };
}
