import * as assert from 'node:assert/strict';
import { resolveMachineSetting } from '../../src/core/machineSettings';

describe('resolveMachineSetting: machine-scoped values where VS Code applies them', () => {
  it('reads User settings in a local window', () => {
    assert.deepEqual(resolveMachineSetting({ globalValue: ' http://localhost:4566 ', globalLocalValue: 'http://localhost:4566', globalRemoteValue: undefined }, false), { value: 'http://localhost:4566' });
  });

  it('reads only the remote machine settings in a remote window, and names a User value the window ignores', () => {
    // At start-up VS Code's merged value still carries the User value; later it is gone. Either way: the remote one.
    assert.deepEqual(resolveMachineSetting({ globalValue: 'http://user', globalLocalValue: 'http://user', globalRemoteValue: undefined }, true), { value: '', ignoredUserValue: 'http://user' });
    assert.deepEqual(resolveMachineSetting({ globalValue: 'http://remote', globalLocalValue: undefined, globalRemoteValue: 'http://remote' }, true), { value: 'http://remote' });
    assert.deepEqual(resolveMachineSetting({ globalValue: 'http://remote', globalLocalValue: 'http://user', globalRemoteValue: 'http://remote' }, true), { value: 'http://remote', ignoredUserValue: 'http://user' });
    assert.deepEqual(resolveMachineSetting({ globalValue: 'http://same', globalLocalValue: 'http://same', globalRemoteValue: 'http://same' }, true), { value: 'http://same' });
  });

  it('falls back to the merged value when the host does not split the user layers', () => {
    assert.deepEqual(resolveMachineSetting({ globalValue: 'http://x' }, true), { value: 'http://x' });
    assert.deepEqual(resolveMachineSetting(undefined, true), { value: '' });
  });
});
