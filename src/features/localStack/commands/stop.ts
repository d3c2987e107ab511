import { serviceVerb } from './lifecycle';

export const stop = serviceVerb('stop', 'Stop');
