import { bundleWorkflowCode } from '@temporalio/worker';
import { build, type Plugin } from 'esbuild';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The production build (the Docker image runs it; `npm run build` locally): every source file of
 * the two processes compiled to JavaScript in dist/, same layout, so the files the code finds next
 * to itself (SQL migrations, the statistics page script) sit where they did; and the workflow
 * code bundled once into dist/workflow-bundle.js, which the worker loads (WORKFLOW_BUNDLE_PATH)
 * instead of bundling at every start. Node runs the result: no tsx, no TypeScript at run time.
 */
const SOURCE_DIRS = ['activities', 'client', 'config', 'db', 'domain', 'providers', 'worker', 'workflows'];
const ASSETS = ['db/migrations', 'client/webhooks/assets'];
const OUT = 'dist';

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(
    entries.map((e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return sourceFiles(full);
      return Promise.resolve(e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : []);
    }),
  );
  return files.flat();
}

/**
 * Node's ES modules need the file's full name in every relative import; the sources, written for
 * a bundler's resolution, leave out `.ts` and `/index`. Each relative import is resolved here and
 * left as an import of the compiled file, so every module stays its own file.
 */
const relativeImportsAsJs: Plugin = {
  name: 'relative-imports-as-js',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const target = path.resolve(args.resolveDir, args.path);
      const file = existsSync(`${target}.ts`) ? `${args.path}.js` : existsSync(path.join(target, 'index.ts')) ? `${args.path}/index.js` : undefined;
      return file ? { path: file, external: true } : undefined;
    });
  },
};

async function main() {
  await rm(OUT, { recursive: true, force: true });
  const entryPoints = (await Promise.all(SOURCE_DIRS.map(sourceFiles))).flat();
  await build({
    entryPoints,
    outdir: OUT,
    outbase: '.',
    bundle: true,
    packages: 'external',
    plugins: [relativeImportsAsJs],
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
  for (const asset of ASSETS) await cp(asset, path.join(OUT, asset), { recursive: true });
  const { code } = await bundleWorkflowCode({ workflowsPath: path.resolve('workflows/index.ts') });
  await mkdir(OUT, { recursive: true });
  await writeFile(path.join(OUT, 'workflow-bundle.js'), code);
  process.stdout.write(`built ${entryPoints.length} modules and the workflow bundle into ${OUT}/\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
