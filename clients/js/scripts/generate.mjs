// Generates src/generated/<program>/ from the programs' IDLs (../../idl/*.json) with Codama, and
// src/generated/errorTable.ts: every error code each program may raise, by name (its IDL's
// errors, then idl/errors.json: the shared crate's and Anchor's).
// `--check` renders into a temporary folder and fails when the committed code differs, as
// `idl-gen --check` does for the IDLs themselves.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { rootNodeFromAnchor } from '@codama/nodes-from-anchor';
import { renderVisitor } from '@codama/renderers-js';
import { createFromRoot, definedTypeNode, programNode, rootNode } from 'codama';

const here = fileURLToPath(new URL('..', import.meta.url));
const idlFolder = join(here, '..', '..', 'idl');
const programs = ['node_license', 'node_staking', 'epoch_rewards', 'buyback_vault'];
const check = process.argv.includes('--check');
const committed = join(here, 'src', 'generated');
const target = check ? mkdtempSync(join(tmpdir(), 'inferix-client-')) : committed;

const table = { programs: {}, shared: JSON.parse(readFileSync(join(idlFolder, 'errors.json'), 'utf8')).errors };
for (const program of programs) {
  const idl = JSON.parse(readFileSync(join(idlFolder, `${program}.json`), 'utf8'));
  const codama = createFromRoot(withEventTypes(rootNodeFromAnchor(idl)));
  await codama.accept(renderVisitor(join(target, program), { deleteFolderBeforeRendering: true }));
  table.programs[idl.address] = { program, errors: idl.errors ?? [] };
}
mkdirSync(target, { recursive: true });
writeFileSync(
  join(target, 'errorTable.ts'),
  `// Written by scripts/generate.mjs from idl/*.json: do not edit.\n` +
    `export type ErrorEntry = { code: number; name: string; msg: string };\n` +
    `export const ERROR_TABLE: {\n  programs: Record<string, { program: string; errors: ErrorEntry[] }>;\n  shared: ErrorEntry[];\n} = ${JSON.stringify(table, null, 2)};\n`,
);

if (check) {
  const stale = differences(committed, target);
  rmSync(target, { recursive: true, force: true });
  if (stale.length > 0) {
    console.error(`clients/js/src/generated is stale (${stale.join(', ')}): run \`npm run generate\` in clients/js`);
    process.exit(1);
  }
  console.log('clients/js/src/generated matches the IDLs');
}

// renderers-js 1.7 renders no events: each becomes a defined type `<Name>Event` (`Event` added
// unless the name ends with it) whose codec carries the event's 8-byte discriminator as a
// hidden prefix (decoding checks it).
function withEventTypes(root) {
  const program = root.program;
  const eventTypes = (program.events ?? []).map((event) => definedTypeNode({ name: event.name.endsWith('Event') ? event.name : `${event.name}Event`, type: event.data }));
  return rootNode(programNode({ ...program, definedTypes: [...program.definedTypes, ...eventTypes] }), root.additionalPrograms);
}

function files(folder) {
  return readdirSync(folder, { recursive: true })
    .map((name) => join(folder, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => relative(folder, path))
    .sort();
}

function differences(a, b) {
  const left = files(a);
  const right = files(b);
  const names = [...new Set([...left, ...right])].sort();
  return names.filter((name) => {
    try {
      return !readFileSync(join(a, name)).equals(readFileSync(join(b, name)));
    } catch {
      return true;
    }
  });
}
