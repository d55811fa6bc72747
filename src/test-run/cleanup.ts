// Undo steps of a test-run, run once in reverse order whether it ends normally, fails or is cancelled.
export class CleanupStack {
  private readonly steps: (() => Promise<unknown>)[] = [];
  private running: Promise<void> | undefined;

  push(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) await step().catch(() => undefined);
    })();
    return this.running;
  }
}
