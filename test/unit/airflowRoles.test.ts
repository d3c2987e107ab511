import * as assert from 'node:assert/strict';
import { airflowRole, servesUi } from '../../src/core/airflow/roles';
import { loadBalancerUrl } from '../../src/core/aws/elb';

describe('Airflow roles', () => {
  it('knows Airflow 3 and Airflow 2 components by their command first', () => {
    assert.equal(airflowRole('whatever', ['api-server']), 'api-server');
    assert.equal(airflowRole('whatever', ['airflow', 'webserver']), 'webserver');
    assert.equal(airflowRole('whatever', ['dag-processor']), 'dag-processor');
    assert.equal(airflowRole('whatever', ['celery', 'worker']), 'worker');
    assert.equal(airflowRole('whatever', ['celery', 'flower']), 'flower');
    assert.equal(airflowRole('worker', ['scheduler']), 'scheduler', 'the command wins over the name');
  });

  it('falls back to names as compose files and ECS services spell them', () => {
    const cases: [string, string | undefined][] = [
      ['airflow-apiserver', 'api-server'], ['api-server', 'api-server'], ['airflow-webserver', 'webserver'],
      ['airflow-dag-processor', 'dag-processor'], ['airflow-triggerer', 'triggerer'], ['airflow-worker', 'worker'],
      ['flower', 'flower'], ['airflow-init', 'init'], ['airflow-scheduler', 'scheduler'], ['postgres', undefined], ['redis', undefined],
    ];
    for (const [name, role] of cases) assert.equal(airflowRole(name), role, name);
  });

  it('only api-server and webserver serve the UI', () => {
    assert.ok(servesUi('api-server') && servesUi('webserver'));
    assert.ok(!servesUi('scheduler') && !servesUi(undefined));
  });
});

describe('load balancer URL', () => {
  it('prefers HTTPS and leaves default ports out', () => {
    assert.equal(loadBalancerUrl({ dnsName: 'a.elb.amazonaws.com', listeners: [{ protocol: 'HTTP', port: 80 }, { protocol: 'HTTPS', port: 443 }] }), 'https://a.elb.amazonaws.com/');
    assert.equal(loadBalancerUrl({ dnsName: 'a.elb.amazonaws.com', listeners: [{ protocol: 'HTTP', port: 8080 }] }), 'http://a.elb.amazonaws.com:8080/');
  });

  it('has no URL without a DNS name or an HTTP(S) listener', () => {
    assert.equal(loadBalancerUrl({ dnsName: '', listeners: [{ protocol: 'HTTP', port: 80 }] }), undefined);
    assert.equal(loadBalancerUrl({ dnsName: 'a', listeners: [{ protocol: 'TCP', port: 5432 }] }), undefined);
  });
});
