import { updateUserSetting } from '../../../platform/settings';

/** Drops the chosen profile: the SDK's default chain decides again (environment, AWS_PROFILE, SSO, roles). */
export const useDefaultCredentials = () => async () => {
  await updateUserSetting('aws.profile', undefined);
};
