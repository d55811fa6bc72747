// The exact old render of a kernel: every candidate file is checked against the sha256 the manifest recorded,
// so only a byte-identical base is ever used; files no candidate matches get a two-way merge instead.
import type { Answers } from '../create/answers.js';
import { baseRefName, commitsChanging, readGitBlobs } from '../git.js';
import { hashContents, MANIFEST_PATH, type Manifest } from '../render/manifest.js';
import { renderPlan } from '../render/plan.js';
import { TEMPLATES_DIR } from '../paths.js';
import { publishedTemplatesDir } from './published-templates.js';

export type BaseSource = 'base ref' | 'current templates' | 'git history' | 'published templates';

export interface ReconstructedBase {
  contents: Map<string, string>;
  sourceOf: Map<string, BaseSource>;
  /** Recorded files no candidate reproduced exactly. */
  missing: string[];
}

export interface BaseContext {
  kernelDir: string;
  manifest: Manifest;
  oldAnswers: Answers | undefined;
  inGit: boolean;
}

type Candidate = (wanted: string[], context: BaseContext) => Promise<Map<string, string>>;

const fromBaseRef: Candidate = async (wanted, { kernelDir, manifest, inGit }) => {
  const name = manifest.answers.name;
  if (!inGit || !name) return new Map();
  const ref = baseRefName(name);
  const blobs = await readGitBlobs(
    kernelDir,
    wanted.map((path) => `${ref}:${path}`),
  );
  return new Map(
    wanted.flatMap((path) => (blobs.has(`${ref}:${path}`) ? [[path, blobs.get(`${ref}:${path}`)!] as const] : [])),
  );
};

function render(
  templatesDir: string,
  { oldAnswers, manifest }: BaseContext,
  runtimeVersion?: string,
): Map<string, string> {
  if (!oldAnswers) return new Map();
  try {
    const plan = renderPlan(oldAnswers, manifest.generator.version, templatesDir, undefined, runtimeVersion);
    return new Map(plan.files.map((f) => [f.path, f.contents]));
  } catch {
    // Another release's templates may not render with this renderer; hashes decide, so skipping is safe.
    return new Map();
  }
}

const fromCurrentTemplates: Candidate = async (_wanted, context) => render(TEMPLATES_DIR, context);

const fromPublishedTemplates: Candidate = async (_wanted, context) => {
  const dir = await publishedTemplatesDir(context.manifest.generator.version);
  // That release required its own runtime line, which the running CLI's code would otherwise render as its own.
  return dir ? render(dir, context, context.manifest.generator.version) : new Map();
};

/** Every version of each file that sat beside a manifest commit: the first commit after create holds the render. */
const fromGitHistory: Candidate = async (wanted, { kernelDir, inGit, manifest }) => {
  const found = new Map<string, string>();
  if (!inGit) return found;
  const commits = await commitsChanging(kernelDir, MANIFEST_PATH);
  const specs = commits.flatMap((commit) => wanted.map((path) => `${commit}:./${path}`));
  const blobs = await readGitBlobs(kernelDir, specs);
  for (const path of wanted) {
    const match = commits
      .map((commit) => blobs.get(`${commit}:./${path}`))
      .find((text) => text !== undefined && hashContents(text) === manifest.files[path]);
    if (match !== undefined) found.set(path, match);
  }
  return found;
};

const CANDIDATES: [BaseSource, Candidate][] = [
  ['base ref', fromBaseRef],
  ['current templates', fromCurrentTemplates],
  ['git history', fromGitHistory],
  ['published templates', fromPublishedTemplates],
];

/** Old renders of the wanted paths (the files the user changed that the new templates change too). */
export async function reconstructBase(paths: string[], context: BaseContext): Promise<ReconstructedBase> {
  const contents = new Map<string, string>();
  const sourceOf = new Map<string, BaseSource>();
  let wanted = paths.filter((path) => context.manifest.files[path] !== undefined);
  for (const [source, candidate] of CANDIDATES) {
    if (wanted.length === 0) break;
    const offered = await candidate(wanted, context);
    for (const path of wanted) {
      const text = offered.get(path);
      if (text !== undefined && hashContents(text) === context.manifest.files[path]) {
        contents.set(path, text);
        sourceOf.set(path, source);
      }
    }
    wanted = wanted.filter((path) => !contents.has(path));
  }
  return { contents, sourceOf, missing: wanted };
}
