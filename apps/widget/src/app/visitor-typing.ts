const REPEAT_MS = 2500;
const IDLE_MS = 3000;

/**
 * Tells the agent the visitor is typing: at most every 2.5 s while keys are pressed, and that it
 * stopped after 3 s without one (or when the message is sent).
 */
export class VisitorTyping {
  private sentAt = 0;
  private threadId: string | null = null;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly emit: (threadId: string, isTyping: boolean) => void) {}

  typed(threadId: string): void {
    const now = Date.now();
    if (this.threadId !== threadId || now - this.sentAt > REPEAT_MS) {
      this.threadId = threadId;
      this.sentAt = now;
      this.emit(threadId, true);
    }
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop(), IDLE_MS);
  }

  stop(): void {
    clearTimeout(this.idle);
    if (!this.sentAt || !this.threadId) return;
    this.sentAt = 0;
    this.emit(this.threadId, false);
  }
}
