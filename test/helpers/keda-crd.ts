// KEDA's own ScaledObject schema, from the CRD its Go module ships (fetched once through the Go module proxy, then read
// from Go's module cache), so a kernel's keda-scaledobject.yaml is checked against what a cluster with KEDA accepts.
import { join } from 'node:path';
import { execa } from 'execa';

export const KEDA_MODULE = 'github.com/kedacore/keda/v2';
export const KEDA_VERSION = 'v2.18.0';

/** Path of keda.sh_scaledobjects.yaml inside Go's module cache. */
export async function kedaScaledObjectCrd(): Promise<string> {
  const { stdout } = await execa('go', ['mod', 'download', '-json', `${KEDA_MODULE}@${KEDA_VERSION}`], {
    cwd: '/',
    env: { GOFLAGS: '-mod=mod' },
  });
  const { Dir, Error: error } = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (!Dir) throw new Error(`go mod download ${KEDA_MODULE}@${KEDA_VERSION}: ${error ?? 'no directory'}`);
  return join(Dir, 'config', 'crd', 'bases', 'keda.sh_scaledobjects.yaml');
}
