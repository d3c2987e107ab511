import type { ExplorerDeps } from './deps';

export const showLog = ({ channel }: ExplorerDeps) => () => channel.show(true);
