import { serviceVerb } from './lifecycle';

export const restart = serviceVerb('restart', 'Restart');
