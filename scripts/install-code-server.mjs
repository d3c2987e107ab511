#!/usr/bin/env node
// Installs code-server (a whole VS Code server, from npm) into .vscode-test/code-server so the
// extension can be tested in a real VS Code without downloading anything but npm packages.
// A no-op when the pinned version is already there. See docs/TESTING.md for why each fix exists.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const installDir = path.join(repoRoot, '.vscode-test', 'code-server');
export const codeServerBin = path.join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

// code-server 4.100.3 pins @vscode/ripgrep 1.15.11, whose postinstall fetches this asset from
// GitHub; we hand it Debian's rg under the same name instead. Checked after the install.
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

const nodePrefix = path.resolve(path.dirname(process.execPath), '..');

function installedVersion() {
  try {
    return JSON.parse(fs.readFileSync(path.join(installDir, 'node_modules', 'code-server', 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function isComplete() {
  return installedVersion() === CODE_SERVER_VERSION && fs.existsSync(path.join(installDir, '.complete'));
}

function fail(sentence) {
  console.error(`install-code-server: ${sentence}`);
  process.exit(1);
}

/** What the install needs from the system besides Node and npm, and how to tell it is there. */
export const SYSTEM_PACKAGES = [
  // Seeds @vscode/ripgrep's download (below): code-server's search runs it.
  { name: 'ripgrep', present: () => findOnPath('rg') !== undefined },
  // kerberos, a code-server dependency, builds from source here (its prebuilt download is unreachable).
  { name: 'libkrb5-dev', present: () => fs.existsSync('/usr/include/krb5.h') },
  // node-gyp builds node-pty, kerberos, spdlog... from source: a compiler, make and Python.
  { name: 'build-essential', present: () => findOnPath('make') !== undefined && findOnPath('g++') !== undefined },
  { name: 'python3', present: () => findOnPath('python3') !== undefined },
];

export function findOnPath(command, pathVar = process.env.PATH ?? '') {
  for (const dir of [...pathVar.split(path.delimiter).filter(Boolean), '/usr/bin']) {
    const file = path.join(dir, command);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/**
 * How to get the missing packages: apt-get when we are root and it exists, else one sentence
 * for the user. Pure, so the unit tests can check every case.
 */
export function planSystemPackages(missing, { isRoot, hasAptGet }, neededBy = 'code-server') {
  if (missing.length === 0) return { action: 'none' };
  if (isRoot && hasAptGet) return { action: 'apt-get', packages: missing };
  const list = missing.join(' ');
  return {
    action: 'tell',
    sentence: `${neededBy} needs the system package${missing.length > 1 ? 's' : ''} ${list}: install ${missing.length > 1 ? 'them' : 'it'} (on Debian or Ubuntu: sudo apt-get install -y ${list}) and run npm start again.`,
  };
}

/** Makes sure `packages` are there, installing them when it can; else says what to do and exits. */
export function ensureSystemPackages(packages = SYSTEM_PACKAGES, neededBy = 'code-server') {
  const missing = packages.filter((p) => !p.present()).map((p) => p.name);
  const plan = planSystemPackages(missing, { isRoot: process.getuid?.() === 0, hasAptGet: findOnPath('apt-get') !== undefined }, neededBy);
  if (plan.action === 'none') return;
  if (plan.action === 'tell') fail(plan.sentence);
  console.log(`install-code-server: installing ${plan.packages.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...plan.packages], { stdio: 'inherit', env }).status === 0;
  // A fresh machine often has no package lists yet.
  if (!install() && !(spawnSync('apt-get', ['update'], { stdio: 'inherit', env }).status === 0 && install())) {
    fail(`apt-get could not install ${plan.packages.join(' ')}; see its output above.`);
  }
  const still = packages.filter((p) => !p.present()).map((p) => p.name);
  if (still.length) fail(`apt-get ran, but ${still.join(' ')} is still missing.`);
}

function seedRipgrepCache(tmp) {
  const rg = findOnPath('rg');
  if (os.arch() !== 'x64') {
    fail(`only x86_64 is supported here (this machine is ${os.arch()}).`);
  }
  const cache = path.join(tmp, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const staging = path.join(tmp, 'rg-staging');
  fs.mkdirSync(cache, { recursive: true });
  fs.mkdirSync(staging, { recursive: true });
  fs.copyFileSync(rg, path.join(staging, 'rg'));
  fs.chmodSync(path.join(staging, 'rg'), 0o755);
  const tar = spawnSync('tar', ['-czf', path.join(cache, RIPGREP_ASSET), '-C', staging, 'rg'], { stdio: 'inherit' });
  if (tar.status !== 0) {
    fail('could not build the ripgrep cache archive with tar.');
  }
}

function checkInstall() {
  const rgPkg = path.join(installDir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep');
  const rgVersion = JSON.parse(fs.readFileSync(path.join(rgPkg, 'package.json'), 'utf8')).version;
  if (rgVersion !== RIPGREP_PACKAGE_VERSION) {
    fail(`code-server brought @vscode/ripgrep ${rgVersion}, but the seeded cache is for ${RIPGREP_PACKAGE_VERSION}; update RIPGREP_* in this script.`);
  }
  if (!fs.existsSync(path.join(rgPkg, 'bin', 'rg'))) {
    fail('@vscode/ripgrep has no bin/rg: its postinstall did not run or did not use the seeded cache.');
  }
  const pty = path.join(installDir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', 'node-pty', 'build', 'Release', 'pty.node');
  if (!fs.existsSync(pty)) {
    fail('node-pty was not built (its install script was skipped or failed).');
  }
}

/** Installs code-server unless it is there; on failure says why in one sentence and exits. */
export function ensureCodeServer() {
  if (isComplete()) {
    console.log(`install-code-server: code-server ${CODE_SERVER_VERSION} already in ${path.relative(repoRoot, installDir)}`);
    return true;
  }
  ensureSystemPackages();
  const started = Date.now();
  console.log(`install-code-server: installing code-server ${CODE_SERVER_VERSION} into ${path.relative(repoRoot, installDir)} (about a minute)`);
  fs.rmSync(installDir, { recursive: true, force: true });
  fs.mkdirSync(installDir, { recursive: true });
  fs.writeFileSync(path.join(installDir, 'package.json'), JSON.stringify({
    name: 'code-server-cache',
    private: true,
    dependencies: { 'code-server': CODE_SERVER_VERSION },
  }, null, 2));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-server-install-'));
  try {
    seedRipgrepCache(tmp);
    const env = {
      ...process.env,
      TMPDIR: tmp,
      npm_config_unsafe_perm: 'true',
      // node-gyp downloads Node's headers from nodejs.org unless told where they are; Node's own
      // builds and Debian/NodeSource packages ship them beside the binary.
      ...(!process.env.npm_config_nodedir && fs.existsSync(path.join(nodePrefix, 'include', 'node', 'node.h')) ? { npm_config_nodedir: nodePrefix } : {}),
      npm_config_yes: 'true',
      // npm 11 runs no dependency install scripts unless allowed, and code-server needs many
      // (its own postinstall runs `npm install` in lib/vscode and lib/vscode/extensions, building
      // node-pty, kerberos, spdlog...). An allow list cannot reach those nested installs: npm
      // exports it to them as npm_config_allow_scripts, which they reject (EALLOWSCRIPTS) as a
      // command-line flag in a project install. So this one pinned install, in its own folder,
      // runs all scripts, as npm 10 did; checkInstall() verifies what they must have built.
      npm_config_dangerously_allow_all_scripts: 'true',
    };
    const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--foreground-scripts'], {
      cwd: installDir, env, stdio: 'inherit',
    });
    if (npm.error) {
      fail(`could not run npm: ${npm.error.message}`);
    }
    if (npm.status !== 0) {
      fail(`npm install of code-server ${CODE_SERVER_VERSION} failed (exit ${npm.status}); see the npm output above.`);
    }
    checkInstall();
    fs.writeFileSync(path.join(installDir, '.complete'), `${CODE_SERVER_VERSION}\n`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`install-code-server: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureCodeServer();
}
