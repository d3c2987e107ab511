import { serviceVerb } from './lifecycle';

export const pull = serviceVerb('pull', 'Pull');
