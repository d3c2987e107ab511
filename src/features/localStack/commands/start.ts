import { serviceVerb } from './lifecycle';

export const start = serviceVerb('start', 'Start');
