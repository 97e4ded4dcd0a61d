// Electron security review: runs Doyensec's electronegativity over src/ and fails (exit 1) on
// any HIGH-severity finding not in the explained allowlist below. `node scripts/electronegativity.mjs
// [--json <file>]` prints every finding as one line and writes them all as JSON when asked.
import { createRequire } from 'node:module';
import Module from 'node:module';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const projectDir = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

/**
 * HIGH findings reviewed and accepted, each with why. Keyed by check id and file (relative to
 * the project); `why` is printed with the finding so the reasoning travels with the result.
 */
export const allowlist = [
  {
    id: 'CONTEXT_ISOLATION_JS_CHECK',
    file: 'src/main/appWindow.ts',
    why:
      'webPreferences come from secureWebPreferences() (contextIsolation: true, sandbox: true), ' +
      'which the static check cannot follow; tests/unit/main asserts the values',
  },
];

/**
 * electronegativity pins TypeScript 4.2 for its parser, but npm hoists its parser
 * (@typescript-eslint/typescript-estree) next to Parley's TypeScript 7, whose JS API is not
 * the one that parser expects. Resolve `typescript` for electronegativity's own modules to the
 * copy it ships with.
 */
function pinElectronegativityTypescript() {
  const toolDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
  const pinned = require.resolve('typescript', { paths: [toolDir] });
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function resolveFilename(request, parent, ...rest) {
    if (
      request === 'typescript' &&
      parent?.filename?.includes(`${path.sep}@typescript-eslint${path.sep}`)
    ) {
      return pinned;
    }
    return resolve.call(this, request, parent, ...rest);
  };
}

/**
 * electronegativity fetches translations (and release lists) over the internet with `got`;
 * CI reaches only loopback and npm, and a timed-out `got` crashes the process later. Its
 * bundled en-US strings are all it needs: make every such request fail at once.
 */
function keepElectronegativityOffline() {
  const toolDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
  const gotPath = require.resolve('got', { paths: [toolDir] });
  const offline = () => Promise.reject(new Error('electronegativity runs offline'));
  offline.head = offline;
  const stub = new Module(gotPath);
  stub.filename = gotPath;
  stub.loaded = true;
  stub.exports = Object.assign(offline, { default: offline });
  require.cache[gotPath] = stub;
}

/** Runs the scan and returns its findings with paths relative to the project. */
export async function scan(input = path.join(projectDir, 'src')) {
  pinElectronegativityTypescript();
  keepElectronegativityOffline();
  const run = require('@doyensec/electronegativity');
  const result = await run({
    input,
    isRelative: false,
    severitySet: 'informational',
    // src/ has no package.json to read the version from; without it the defaults of Electron
    // 0.1 would be assumed (nodeIntegration on by default, and so on).
    electronVersionOverride: require('electron/package.json').version,
    // This check downloads Electron's release list; CI reaches only loopback and npm. Parley
    // pins Electron in package.json and upgrades it deliberately instead.
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
  });
  const findings = result.issues.map((issue) => ({
    id: issue.id,
    file: path.relative(projectDir, issue.file),
    line: issue.location?.line ?? 0,
    severity: String(issue.severity?.name ?? issue.severity).toUpperCase(),
    confidence: String(issue.confidence?.name ?? issue.confidence).toUpperCase(),
    description: issue.description,
  }));
  return { findings, errors: result.errors };
}

export function unexplainedHigh(findings, allowed = allowlist) {
  return findings.filter(
    (finding) =>
      finding.severity === 'HIGH' &&
      !allowed.some((entry) => entry.id === finding.id && entry.file === finding.file),
  );
}

async function main() {
  const { values } = parseArgs({ options: { json: { type: 'string' } } });
  const { findings, errors } = await scan();
  for (const finding of findings) {
    const allowed = allowlist.find((e) => e.id === finding.id && e.file === finding.file);
    console.log(
      `${finding.severity.padEnd(13)} ${finding.id} ${finding.file}:${finding.line}` +
        (allowed ? ` (allowed: ${allowed.why})` : ''),
    );
  }
  for (const error of errors.filter((e) => !e.tolerable)) {
    console.log(`parse error   ${path.relative(projectDir, error.file)}: ${error.message}`);
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ findings, errors }, null, 2)}\n`);
  const blocking = unexplainedHigh(findings);
  for (const entry of allowlist) {
    if (!findings.some((f) => f.id === entry.id && f.file === entry.file)) {
      console.log(`stale allowlist entry (no longer found): ${entry.id} ${entry.file}`);
    }
  }
  console.log(
    `electronegativity: ${findings.length} findings, ${blocking.length} unexplained HIGH`,
  );
  process.exitCode = blocking.length > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
