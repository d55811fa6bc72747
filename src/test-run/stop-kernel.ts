// Step 8 of a test-run: SIGTERM, and a clean exit within the kernel's own shutdown bound.
import type { KernelUnderTest } from './launch-kernel.js';
import type { RunContext } from './run-plan.js';

export async function stopKernel({ plan, progress, result }: RunContext, kernel: KernelUnderTest): Promise<void> {
  const shutdownS = Number(plan.lookup('SHUTDOWN_TIMEOUT_S') ?? '10') || 10;
  progress.step('Stopping the kernel (SIGTERM)');
  const code = await kernel.process.terminate((shutdownS + 5) * 1000);
  result.kernelExitCode = code ?? null;
  result.checks.push({
    name: 'clean exit after SIGTERM',
    ok: code === 0,
    detail: code === undefined ? `still running after ${shutdownS + 5} s` : `exit code ${code}`,
  });
}
