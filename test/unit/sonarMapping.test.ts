import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkHost, fetchAllPages, SonarProblem } from '../../src/core/sonar/client';
import { parseFindingsFile } from '../../src/core/sonar/findingsFile';
import { describeCondition, gateView, showValue } from '../../src/core/sonar/gate';
import { clampRange, ComponentResolver, issueSeverity, mapFindings, sonarUrls, toRange } from '../../src/core/sonar/mapping';
import { parseProperties, sonarProject, tokenHostCheck, type SonarProject } from '../../src/core/sonar/properties';
import { htmlToMarkdown, ruleMarkdown } from '../../src/core/sonar/ruleMarkdown';
import { FAILING_GATE, SAMPLE_RULE, sampleHotspots, sampleIssues } from '../support/fakeSonar';

const BASE = path.resolve('/ws/sample-dags');
const PROJECT: SonarProject = { host: 'https://sonarcloud.io', organization: 'airflow-ecs', projectKey: 'airflow-ecs_dags', sources: ['dags'], baseDir: BASE, hostFromWorkspace: false };
const NO_OVERRIDES = { host: '', organization: '', projectKey: '' };

describe('sonar: sonar-project.properties', () => {
  const text = '# comment\nsonar.organization=airflow-ecs\nsonar.projectKey : airflow-ecs_dags\nsonar.sources=dags, \\\n  plugins\n! other\nsonar.host.url=https://sonar.example.com/\n';

  it('reads key=value, key: value, comments and continuation lines', () => {
    const props = parseProperties(text);
    assert.equal(props.get('sonar.organization'), 'airflow-ecs');
    assert.equal(props.get('sonar.projectKey'), 'airflow-ecs_dags');
    assert.equal(props.get('sonar.sources'), 'dags, plugins');
    assert.equal(props.size, 4);
  });

  it('lets settings override the file, and defaults the host to SonarCloud', () => {
    const props = parseProperties(text);
    assert.deepEqual(sonarProject(props, BASE, NO_OVERRIDES), {
      host: 'https://sonar.example.com', organization: 'airflow-ecs', projectKey: 'airflow-ecs_dags', sources: ['dags', 'plugins'], baseDir: BASE, hostFromWorkspace: true,
    });
    const over = sonarProject(props, BASE, { host: 'http://localhost:9000', organization: '', projectKey: 'other' });
    assert.equal(over?.host, 'http://localhost:9000');
    assert.equal(over?.projectKey, 'other');
    assert.equal(sonarProject(parseProperties('sonar.projectKey=k'), BASE, NO_OVERRIDES)?.host, 'https://sonarcloud.io');
    assert.equal(sonarProject(new Map(), BASE, NO_OVERRIDES), undefined);
  });

  it('knows when the host comes from the workspace file, and when a token may go there', () => {
    const props = parseProperties(text);
    assert.equal(sonarProject(props, BASE, NO_OVERRIDES)?.hostFromWorkspace, true);
    assert.equal(sonarProject(props, BASE, { ...NO_OVERRIDES, host: 'https://sonar.example.com' })?.hostFromWorkspace, false, 'the same host from settings');
    assert.equal(sonarProject(parseProperties('sonar.projectKey=k\nsonar.host.url=https://sonarcloud.io/'), BASE, NO_OVERRIDES)?.hostFromWorkspace, false, 'SonarCloud itself');
    const fromFile = { hostFromWorkspace: true };
    assert.equal(tokenHostCheck(fromFile, { trusted: true, confirmed: false }), 'ask');
    assert.equal(tokenHostCheck(fromFile, { trusted: true, confirmed: true }), 'send');
    assert.equal(tokenHostCheck(fromFile, { trusted: false, confirmed: true }), 'refuse');
    assert.equal(tokenHostCheck(fromFile, { trusted: false, confirmed: false }), 'refuse');
    assert.equal(tokenHostCheck({ hostFromWorkspace: false }, { trusted: false, confirmed: false }), 'send');
  });
});

describe('sonar: ranges and severities', () => {
  it('maps textRange exactly: 1-based lines to 0-based, offsets kept', () => {
    assert.deepEqual(toRange({ startLine: 42, endLine: 43, startOffset: 15, endOffset: 4 }, 42), { startLine: 41, startCharacter: 15, endLine: 42, endCharacter: 4 });
  });

  it('covers the whole line when only `line` is given', () => {
    const r = toRange(undefined, 9);
    assert.deepEqual(r, { startLine: 8, startCharacter: 0, endLine: 8 });
    assert.deepEqual(clampRange(r, [3, 3, 3, 3, 3, 3, 3, 3, 40, 2]), { startLine: 8, startCharacter: 0, endLine: 8, endCharacter: 40 });
  });

  it('clamps a range beyond the end of the file to the last line', () => {
    assert.deepEqual(clampRange(toRange({ startLine: 400, endLine: 400, startOffset: 4, endOffset: 20 }, 400), [10, 12, 7]), { startLine: 2, startCharacter: 0, endLine: 2, endCharacter: 7 });
    assert.deepEqual(clampRange({ startLine: 1, startCharacter: 50, endLine: 9, endCharacter: 3 }, [10, 12, 7]), { startLine: 1, startCharacter: 12, endLine: 2, endCharacter: 7 });
  });

  it('maps legacy severities', () => {
    assert.equal(issueSeverity('BLOCKER', undefined), 'error');
    assert.equal(issueSeverity('CRITICAL', undefined), 'error');
    assert.equal(issueSeverity('MAJOR', undefined), 'warning');
    assert.equal(issueSeverity('MINOR', undefined), 'information');
    assert.equal(issueSeverity('INFO', []), 'hint');
  });

  it('prefers impacts, taking the worst one', () => {
    assert.equal(issueSeverity('INFO', [{ severity: 'HIGH' }]), 'error');
    assert.equal(issueSeverity('BLOCKER', [{ severity: 'LOW' }]), 'information');
    assert.equal(issueSeverity('MINOR', [{ severity: 'LOW' }, { severity: 'MEDIUM' }]), 'warning');
    assert.equal(issueSeverity(undefined, [{ severity: 'BLOCKER' }]), 'error');
    assert.equal(issueSeverity(undefined, [{ severity: 'INFO' }]), 'hint');
  });
});

describe('sonar: components to workspace files', () => {
  const files = new Set([path.join(BASE, 'dags/bad_tempfile_example.py'), path.join(BASE, 'dags/etl_taskflow.py'), path.join(BASE, 'dags/sensor_branching.py'), path.resolve('/other/root/lib/x.py')]);
  const exists = (f: string) => files.has(f);

  it('strips the project key, resolves against the properties folder, sonar.sources and other roots', () => {
    const r = new ComponentResolver(PROJECT, exists, [path.resolve('/other/root')]);
    assert.equal(r.resolve('airflow-ecs_dags:dags/etl_taskflow.py'), path.join(BASE, 'dags/etl_taskflow.py'));
    assert.equal(r.resolve('airflow-ecs_dags:etl_taskflow.py'), path.join(BASE, 'dags/etl_taskflow.py'), 'relative to sonar.sources');
    assert.equal(r.resolve('airflow-ecs_dags:lib/x.py'), path.resolve('/other/root/lib/x.py'), 'multi-root');
    assert.equal(r.resolve('other_project:dags/etl_taskflow.py'), undefined);
    assert.equal(r.resolve('airflow-ecs_dags:dags/removed.py'), undefined);
  });

  it('uses components[].path when the server sends it', () => {
    const r = new ComponentResolver(PROJECT, exists);
    r.addComponents([{ key: 'AXweird-uuid', path: 'dags/sensor_branching.py' }]);
    assert.equal(r.resolve('AXweird-uuid'), path.join(BASE, 'dags/sensor_branching.py'));
  });

  it('maps issues and hotspots with type, rule, severity and secondary locations; counts the rest', () => {
    const mapped = mapFindings(sampleIssues(), sampleHotspots(), new ComponentResolver(PROJECT, exists));
    assert.equal(mapped.unmapped, 1);
    const bad = mapped.byFile.get(path.join(BASE, 'dags/bad_tempfile_example.py'))!;
    assert.equal(bad.length, 2);
    const [vuln, hotspot] = bad;
    assert.deepEqual({ rule: vuln.rule, type: vuln.type, severity: vuln.severity, kind: vuln.kind }, { rule: 'python:S5445', type: 'Vulnerability', severity: 'error', kind: 'issue' });
    assert.deepEqual(vuln.range, { startLine: 41, startCharacter: 15, endLine: 41, endCharacter: 30 });
    assert.deepEqual(vuln.related, [{ file: path.join(BASE, 'dags/bad_tempfile_example.py'), range: { startLine: 42, startCharacter: 18, endLine: 42, endCharacter: 22 }, message: 'The file is opened here, after its name was chosen.' }]);
    assert.deepEqual({ type: hotspot.type, severity: hotspot.severity, rule: hotspot.rule, kind: hotspot.kind }, { type: 'Security Hotspot', severity: 'information', rule: 'python:S5443', kind: 'hotspot' });
    assert.equal(mapped.byFile.get(path.join(BASE, 'dags/etl_taskflow.py'))![0].type, 'Code Smell');
  });

  it('builds rule and issue links for SonarCloud and for SonarQube', () => {
    const cloud = sonarUrls(PROJECT, 'feature/x');
    assert.equal(cloud.rule('python:S5445'), 'https://sonarcloud.io/organizations/airflow-ecs/rules?open=python%3AS5445&rule_key=python%3AS5445');
    assert.equal(cloud.finding({ key: 'AYx', kind: 'issue' }), 'https://sonarcloud.io/project/issues?id=airflow-ecs_dags&branch=feature%2Fx&open=AYx&issues=AYx');
    assert.equal(cloud.finding({ key: 'H1', kind: 'hotspot' }), 'https://sonarcloud.io/project/security_hotspots?id=airflow-ecs_dags&branch=feature%2Fx&hotspots=H1');
    const qube = sonarUrls({ host: 'https://sonar.example.com', organization: '', projectKey: 'k' }, undefined);
    assert.equal(qube.rule('py:S1'), 'https://sonar.example.com/coding_rules?open=py%3AS1&rule_key=py%3AS1');
  });
});

describe('sonar: quality gate', () => {
  it('shows ratings 1..5 as A..E and names the failing condition', () => {
    const gate = gateView(FAILING_GATE);
    assert.equal(gate.label, 'Failed');
    assert.equal(gate.passed, false);
    assert.equal(gate.failing.length, 1);
    assert.equal(describeCondition(gate.failing[0]), 'new_security_rating E, threshold A');
    assert.equal(gate.conditions[2].actual, '0.0');
    assert.equal(showValue('new_maintainability_rating', '2.0'), 'B');
    assert.equal(showValue('coverage', '5'), '5');
    assert.equal(gateView({ status: 'OK' }).label, 'Passed');
    assert.equal(gateView({ status: 'NONE' }).label, 'No gate');
  });
});

describe('sonar: findings files and rule descriptions', () => {
  it('reads the document quality_gate.py saves, and a raw api/issues/search page', () => {
    const saved = parseFindingsFile(JSON.stringify({ total: 12000, truncated: true, paging: { pageSize: 500, pages: 20, total: 12000 }, issues: sampleIssues(), components: [], rules: [] }), 'sonar-findings.json');
    assert.equal(saved.issues.length, 4);
    assert.equal(saved.total, 12000);
    const page = parseFindingsFile(JSON.stringify({ paging: { pageIndex: 1, pageSize: 500, total: 4 }, issues: sampleIssues(), components: [{ key: 'a', path: 'b' }] }), 'p.json');
    assert.equal(page.total, 4);
    assert.equal(page.components.length, 1);
  });

  it('rejects malformed files with a sentence that names them', () => {
    assert.throws(() => parseFindingsFile('{nope', 'x.json'), (e: SonarProblem) => e.kind === 'malformed' && /x\.json is not valid JSON/.test(e.message));
    assert.throws(() => parseFindingsFile('{"results": []}', 'y.json'), /y\.json has no "issues" list/);
  });

  it('turns rule HTML into Markdown', () => {
    assert.equal(htmlToMarkdown('<h2>Why</h2><p>Use <code>mkstemp</code> &amp; <a href="https://x">read</a></p><ul><li>one</li></ul><pre>a &lt; b</pre>'),
      '### Why\n\nUse `mkstemp` & [read](https://x)\n\n- one\n\n```\na < b\n```');
    const md = ruleMarkdown(SAMPLE_RULE, 'https://sonarcloud.io/r');
    assert.match(md, /^# Insecure temporary file creation methods should not be used\n\npython:S5445 · Vulnerability · CRITICAL · Python\n\nCreating temporary files/);
  });
});

describe('sonar: client safety and paging', () => {
  it('declares the Sonar host override machine-scoped: a workspace cannot redirect the token', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
    assert.equal(pkg.contributes.configuration.properties['airflowEcs.sonar.hostUrl'].scope, 'machine');
  });

  it('sends the token over https, or plain http to loopback only', () => {
    assert.equal(checkHost('https://sonarcloud.io').host, 'sonarcloud.io');
    assert.equal(checkHost('http://127.0.0.1:9000').port, '9000');
    assert.ok(checkHost('http://localhost:9000'));
    assert.throws(() => checkHost('http://sonar.example.com'), (e: SonarProblem) => e.kind === 'insecureHost' && /use https/.test(e.message));
    assert.throws(() => checkHost('not a url'), /not a valid URL/);
  });

  it('fetches page 1, then the rest in order with bounded parallelism, up to the cap', async () => {
    let inFlight = 0;
    let peak = 0;
    const asked: number[] = [];
    const result = await fetchAllPages(async (page) => {
      asked.push(page);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5 + (page % 3)));
      inFlight--;
      return { items: [page], total: 12_345 };
    }, { pageSize: 500, cap: 10_000, concurrency: 4 });
    assert.equal(result.pages, 20);
    assert.deepEqual(result.items, Array.from({ length: 20 }, (_, i) => i + 1));
    assert.equal(asked[0], 1);
    assert.equal(peak, 4);
    assert.equal(result.total, 12_345);
  });
});
