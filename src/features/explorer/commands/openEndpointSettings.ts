import { openSetting } from '../../../platform/settings';

/** The endpoint setting where this window reads it (the Remote settings in a remote window). */
export const openEndpointSettings = () => () => openSetting('aws.endpointUrl');
